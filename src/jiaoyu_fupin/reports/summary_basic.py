"""The year-end summary's first sections: the basic situation (schools, teachers, students, registered poor
students) and the aid paid, each a table of the workbook plus the figures the narrative quotes."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import Connection, text

from jiaoyu_fupin.core.poverty import hardship_sql
from jiaoyu_fupin.core.stages import STAGES, is_teaching_point, stage_of_type
from jiaoyu_fupin.core.terms import Term
from jiaoyu_fupin.reports import charts, facts
from jiaoyu_fupin.reports.book import COUNT_FORMAT, WAN_FORMAT, Table, wan, wan_column
from jiaoyu_fupin.reports.facts import AMOUNT_SUM, NO_STAGE, POOR

# The school types as the summary names them, in its order (`seeds/004_…` 一), keyed by the stage they teach.
TYPE_ROWS = (("中职", "中等职业学校"), ("普通高中", "普通高中"), ("初中", "初中"), ("小学", "小学"), ("学前", "幼儿园"),
             ("特殊教育", "特殊教育学校"))
NO_TYPE = "（未填类型）"
STATUSES = ("在校", "休学", "辍学", "转出", "毕业")
# The words of a 职务 that make a helper one of the school's leaders, as counties write them (副校长, 党支部书记,
# 教导主任, 副园长 …); 班主任 is its own column, anything else is a teacher.
LEADER_WORDS = ("校领导", "校长", "园长", "书记", "主任")


def type_of(school_type: str | None) -> str:
    """The stage a school's type names (完全小学 → 小学), else the type itself (九年一贯制学校 gets its own row)."""
    return stage_of_type(school_type) or school_type or NO_TYPE


def type_row(school_type: str | None) -> str:
    """The row of the 学校 table a school is counted in (高级中学 → 普通高中, 职业高级中学 → 中等职业学校)."""
    stage = type_of(school_type)
    return dict(TYPE_ROWS).get(stage, stage)


def role_group(role: str | None) -> str:
    """校领导, 班主任 or 教师, for a helper's 职务 as the county wrote it."""
    role = (role or "").strip()
    if role == "班主任":
        return "班主任"
    return "校领导" if any(word in role for word in LEADER_WORDS) else "教师"


def schools_table(conn: Connection, figures: dict) -> Table:
    rows = conn.execute(text("SELECT school_type, ownership FROM schools")).all()
    by_stage = Counter(type_of(t) for t, _ in rows)
    points = sum(1 for t, _ in rows if is_teaching_point(t))
    public_kg = sum(1 for t, o in rows if type_of(t) == "学前" and o == "公办")
    figures.update(schools_total=len(rows), schools_points=points, schools_kindergarten_public=public_kg,
                   **{f"schools_{stage}": by_stage.get(stage, 0) for stage, _ in TYPE_ROWS})
    out = []
    for stage, name in TYPE_ROWS:
        aside = {"小学": f"含教学点 {points} 所", "学前": f"含公办 {public_kg} 所"}.get(stage, "")
        out.append([name, by_stage.pop(stage, 0), aside])
    # Types that span stages (九年一贯制学校, 完全中学) or name none: rows of their own, told in the text too, so
    # that its parts add up to the total.
    figures["schools_other"] = sorted(by_stage.items())
    out += [[other, n, ""] for other, n in figures["schools_other"]]
    out.append(["合计", len(rows), ""])
    return Table("学校", "一、基本情况：学校（园）", ["类型", "学校（园）数", "说明"], out,
                 notes=["按台账中的学校名单统计；教学点计入小学，幼儿园含民办"])


def teachers_table(conn: Connection, figures: dict) -> Table:
    rows = conn.execute(text(
        "SELECT sc.school_type, h.role FROM helpers h JOIN schools sc ON sc.id = h.school_id")).all()
    figures["teachers"] = len(rows) or None
    source = ("台账没有单独的教职工名册：本表按帮扶责任人名单中工作单位为本县学校的人员统计（含校领导），"
              "未列入帮扶责任人名单的教职工不在此数")
    if not rows:
        return Table("教师", "一、基本情况：教师", ["学校类型", "教职工", "说明"],
                     [["（台账中没有教师）", None, "台账中没有教职工名册，帮扶责任人名单中也没有学校的人员：请据人事部门数据填写"]],
                     notes=[source])
    roles = Counter((type_of(t), role_group(r)) for t, r in rows)
    named = dict(TYPE_ROWS)
    others = sorted({s for s, _ in roles} - set(named))
    out = []
    for stage in [*named, *others]:
        groups = [roles[(stage, g)] for g in ("校领导", "班主任", "教师")]
        out.append([named.get(stage, stage), sum(groups), *groups])
    out.append(["合计", *[sum(r[i] for r in out) for i in range(1, 5)]])
    return Table("教师", "一、基本情况：教师", ["学校类型", "教职工", "其中校领导", "班主任", "教师"], out, notes=[source])


def students_table(conn: Connection, term: Term, figures: dict) -> Table:
    counts = Counter({(s, st): n for s, st, n in conn.execute(text(
        "SELECT stage, status, COUNT(*) FROM enrollments WHERE term = :t AND study_place = '县内'"
        " GROUP BY stage, status"), {"t": str(term)})})
    stages = [s for s in STAGES if any(k[0] == s for k in counts)]
    stages += sorted({k[0] or NO_STAGE for k in counts} - set(stages))
    out = []
    for stage in stages:
        row = [counts[(stage, st)] for st in STATUSES]
        out.append([stage, sum(n for (s, _), n in counts.items() if (s or NO_STAGE) == stage), *row])
    out.append(["合计", sum(r[1] for r in out), *[sum(r[2 + i] for r in out) for i in range(len(STATUSES))]])
    figures["students_total"] = out[-1][1]
    figures["students"] = {r[0]: r[1] for r in out[:-1]}
    return Table("学生", "一、基本情况：在校学生（按学段）", ["学段", "学籍人数", *STATUSES], out,
                 notes=[f"{term}学籍名册上本县学校的全部学生（学籍人数含休学、辍学、转出），按学段统计"])


def home_county(conn: Connection) -> str | None:
    """The county whose registry the ledger holds: the one most of its registered households name."""
    row = conn.execute(text("SELECT county FROM households WHERE county IS NOT NULL AND county != ''"
                            " GROUP BY county ORDER BY COUNT(*) DESC, county LIMIT 1")).first()
    return row[0] if row else None


def poor_table(conn: Connection, term: Term, figures: dict) -> Table:
    county = home_county(conn)
    home = "h.county = :county" if county else "h.id IS NOT NULL"
    rows = conn.execute(text(
        "SELECT e.stage, e.study_place, " + home + ", COUNT(*) FROM enrollments e JOIN students s ON s.id = e.student_id"
        " LEFT JOIN households h ON h.id = s.household_id"
        f" WHERE e.term = :t AND {POOR} GROUP BY 1, 2, 3"), {"t": str(term), "county": county}).all()
    cells = Counter({(stage or NO_STAGE, place, bool(local)): n for stage, place, local, n in rows})
    stages = [s for s in STAGES if any(k[0] == s for k in cells)]
    stages += sorted({k[0] for k in cells} - set(stages))
    out = []
    for stage in stages:
        here_home, here_other = cells[(stage, "县内", True)], cells[(stage, "县内", False)]
        prefecture = cells[(stage, "县外州内", True)] + cells[(stage, "县外州内", False)]
        outside = cells[(stage, "州外", True)] + cells[(stage, "州外", False)]
        out.append([stage, here_home + here_other, here_home, here_other, prefecture, outside,
                    here_home + prefecture + outside])
    out.append(["合计", *[sum(r[i] for r in out) for i in range(1, 7)]])
    total = out[-1]
    figures.update(poor_in_county=total[1], poor_in_county_home=total[2], poor_in_county_other=total[3],
                   poor_prefecture=total[4], poor_outside=total[5], poor_home=total[6], county=county)
    who = f"户籍按国扶办数据中的“县”：{county}为本县" if county else "国扶办数据没有“县”列：国扶办数据中有的算本县户籍"
    notes = [f"{term}学籍（含休学、辍学、转出）和县外就读名单中的建档立卡学生，按就读地和户籍统计", who,
             "外县户籍：国扶办数据中属于其他县，或不在本县国扶办数据中（学籍中困难类别为建档立卡）"]
    return Table("建档立卡学生", "一、基本情况：建档立卡贫困家庭学生（按就读地）",
                 ["学段", "在本县就读", "其中本县户籍", "其中外县户籍", "县外州内就读", "州外就读", "本县户籍合计"],
                 out, notes=notes,
                 chart=charts.ChartSpec("建档立卡学生（按学段、就读地）", "人", [1, 4, 5], stacked=True, skip_last=True))


# 人次 = 一名学生在一个学期领取一个项目一次: a student's payments of one program in one term (a 补发 beside the
# roster's, a duplicate) are one 人次, their amounts added. The stage is the student's on that term's roll.
PERSON_TERMS = (
    f"SELECT p.program_id, p.term, p.id_number, COALESCE(e.stage, :none) AS stage, {AMOUNT_SUM} AS fen,"
    " MAX(CASE WHEN {hardship} THEN 1 ELSE 0 END) AS poor"
    " FROM payments p LEFT JOIN enrollments e ON e.student_id = p.student_id AND e.term = p.term"
    " LEFT JOIN students s ON s.id = p.student_id"
    " WHERE p.term IN (:a, :b) GROUP BY p.program_id, p.term, p.id_number, e.stage"
).replace("{hardship}", hardship_sql("s"))


def aid_tables(conn: Connection, terms: tuple[Term, Term], figures: dict) -> list[Table]:
    spring, autumn = (str(t) for t in terms)
    params = {"a": spring, "b": autumn, "none": NO_STAGE}
    rows = conn.execute(text(
        "SELECT pr.id, pr.name, t.term, t.stage, COUNT(*), SUM(t.fen)"
        f" FROM ({PERSON_TERMS}) t JOIN programs pr ON pr.id = t.program_id"
        " GROUP BY pr.id, pr.name, t.term, t.stage ORDER BY pr.id"), params).all()
    people = dict(conn.execute(text(
        "SELECT program_id, COUNT(DISTINCT id_number) FROM payments WHERE term IN (:a, :b) GROUP BY program_id"),
        {"a": spring, "b": autumn}).all())
    # 贫困家庭学生 among them (hardship_sql), and the rest: people on no roll, students with no hardship category.
    reach = conn.execute(text(
        "SELECT COUNT(*), COUNT(DISTINCT t.id_number), SUM(t.poor),"
        " COUNT(DISTINCT CASE WHEN t.poor = 1 THEN t.id_number END)"
        f" FROM ({PERSON_TERMS}) t"), params).one()
    programs: dict[tuple, dict] = {}
    cells: dict[tuple, dict] = {}
    for program_id, name, term, stage, n, fen in rows:
        for key, store in (((program_id, name), programs), ((program_id, name, stage), cells)):
            slot = store.setdefault(key, {spring: [0, 0], autumn: [0, 0]})
            slot[term][0] += n
            slot[term][1] += fen

    def line(label: list, slot: dict) -> list:
        """Counts and amounts of a row, the amounts in 分 until `in_wan` turns a whole table's into 万元."""
        s, a = slot[spring], slot[autumn]
        return [*label, s[0], s[1], a[0], a[1], s[0] + a[0], s[1] + a[1]]

    def in_wan(table: list[list], first: int) -> list[list]:
        for column in (first + 2, first + 4, first + 6):
            for row, value in zip(table, wan_column([r[column] for r in table]), strict=True):
                row[column] = value
        return table

    headers = [f"{spring}人次", f"{spring}金额（万元）", f"{autumn}人次", f"{autumn}金额（万元）", "全年人次", "全年金额（万元）"]
    by_program = [[*line([name], slot), people.get(pid, 0)] for (pid, name), slot in programs.items()]
    totals = {spring: [sum(s[spring][0] for s in programs.values()), sum(s[spring][1] for s in programs.values())],
              autumn: [sum(s[autumn][0] for s in programs.values()), sum(s[autumn][1] for s in programs.values())]}
    by_program = in_wan([*by_program, [*line(["合计"], totals), None]], 0)
    figures.update(aid_terms=totals[spring][0] + totals[autumn][0], aid_wan=wan(totals[spring][1] + totals[autumn][1]),
                   aid_students=reach[1], aid_poor_terms=int(reach[2] or 0), aid_poor_students=reach[3],
                   aid_programs={r[0]: (r[5], r[6]) for r in by_program[:-1]},
                   aid_program_codes=dict(conn.execute(text("SELECT name, code FROM programs")).all()))
    notes = [f"{spring}、{autumn}两个学期资助发放名册中的全部发放（人次 = 一名学生在一个学期领取一个项目一次），"
             "金额以万元计，四舍五入到小数点后四位（即到元），各行舍入的尾差调入金额最大的一行，使各行之和等于合计"]
    uncountable = facts.uncountable_payments(conn, [spring, autumn])
    if uncountable:
        notes.append(f"另有 {uncountable} 笔发放的金额超过单笔上限（像是银行卡号或身份证号），计入人次、未计入金额；"
                     "请用 fupin subsidy check 找出后改正发放名册并重新导入")
    order = {s: i for i, s in enumerate(STAGES)}
    detail = [line([name, stage], slot) for (_, name, stage), slot in
              sorted(cells.items(), key=lambda kv: (kv[0][0], order.get(kv[0][2], len(STAGES))))]
    detail = in_wan([*detail, line(["合计", ""], totals)], 1)
    stage_note = "学段按学生该学期的学籍；学籍中查不到的学生记为“" + NO_STAGE + "”"
    return [
        Table("资助按项目", "三（一）资助政策落实：资助资金（按项目）", ["资助项目", *headers, "受助人数"], by_program,
              notes=notes, formats={2: WAN_FORMAT, 4: WAN_FORMAT, 6: WAN_FORMAT, 7: COUNT_FORMAT},
              chart=charts.ChartSpec("全年资助金额（万元，按项目）", "万元", [6], skip_last=True,
                                     axis_format="#,##0.0###")),
        Table("资助按学段", "三（一）资助政策落实：资助资金（按项目和学段）", ["资助项目", "学段", *headers], detail,
              notes=[*notes, stage_note], formats={3: WAN_FORMAT, 5: WAN_FORMAT, 7: WAN_FORMAT}),
    ]
