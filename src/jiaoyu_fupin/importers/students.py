"""School rolls (学籍, in-county, per term) and registered poor students studying outside the county."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
from sqlalchemy import Connection, select

from jiaoyu_fupin.core import idnumber
from jiaoyu_fupin.core.poverty import CATEGORIES, CATEGORY_WORDS, POVERTY_ATTRIBUTES, one_of
from jiaoyu_fupin.core.stages import STAGE_WORDS, is_nine_year, stage_of_type
from jiaoyu_fupin.core.terms import Term
from jiaoyu_fupin.importers import values
from jiaoyu_fupin.importers.base import (
    BatchMaker,
    Counts,
    Options,
    Prepared,
    flag,
    iso,
    keep_frame,
    match_schools,
    single_term,
    spoken_for,
    terms,
)
from jiaoyu_fupin.importers.columns import header_key
from jiaoyu_fupin.importers.compare import diff_fetched, fetch_fingerprints
from jiaoyu_fupin.importers.native import release_freed_memory
from jiaoyu_fupin.importers.rowchecks import (
    bad_values,
    conflicting_duplicates,
    data_rows,
    id_numbers,
    old_ids_of_pupils,
    required_columns,
    required_values,
)
from jiaoyu_fupin.importers.table import Table
from jiaoyu_fupin.importers.transfers import moved_students
from jiaoyu_fupin.store import bulk as store
from jiaoyu_fupin.store.models import Enrollment, RegistryPerson, Student

STUDENT_FIELDS = ["name", "sex", "birth_date", "student_number", "family_category", "disability", "is_orphan",
                  "roll_registered"]
NARROW_FACTOR = 2  # a ledger this many times the roll's size is read back by the roll's keys, not whole
ENROLLMENT_FIELDS = ["school_id", "school_name", "stage", "grade", "class_name", "boarding", "status",
                     "study_place", "place_detail", "province_scope"]


def validate_roll(conn: Connection, table: Table, options: Options) -> Prepared:
    return _validate(conn, table, options, away=False)


def validate_away(conn: Connection, table: Table, options: Options) -> Prepared:
    return _validate(conn, table, options, away=True)


def _validate(conn: Connection, table: Table, options: Options, *, away: bool) -> Prepared:
    checked = data_rows(table)
    prepared = Prepared(table, checked)
    term = terms(table, checked, options)
    if not required_columns(table, checked, extra_missing=[] if term is not None else ["缺少“学期”列，命令中也没有 --term"]):
        return prepared
    n = len(table.frame)
    required_values(table, checked, [c.field for c in table.kind.columns if c.required and c.field != "id_number"])
    # Arrow-backed: a million ID numbers as Python strings cost 75 MB and slow every hash and sort below.
    ids = pd.Series(id_numbers(table, checked), dtype="str")
    if term is not None:
        old_ids_of_pupils(table, checked, ids, term)

    sex, bad = values.map_values(table.text("sex"), values.SEX)
    bad_values(table, checked, "sex", bad, "性别“{value}”无法识别", "请填写“男”或“女”")
    sex = sex.where(sex.notna(), idnumber.sexes(ids))
    birth, bad = values.parse_dates(table.text("birth_date"))
    bad_values(table, checked, "birth_date", bad, "出生日期“{value}”无法识别", "请写成 2008-03-15 这样的日期")
    birth, id_birth = iso(birth), idnumber.birth_dates_iso(ids)
    clash = birth.notna() & id_birth.notna() & (birth != id_birth)
    bad_values(table, checked, "birth_date", clash, "出生日期“{value}”与身份证号中的出生日期不一致",
               "请核对身份证号和出生日期，以户口簿为准改正", code="birth_date_conflict")
    birth = id_birth.where(id_birth.notna(), birth)

    school_names = table.text("school")
    if away:
        school_ids, school_types = match_schools(conn, school_names)
        school_ids = school_ids.where(school_ids.notna(), None)
    else:
        school_ids, school_types = match_schools(conn, school_names)
        unknown = school_names.notna() & school_ids.isna()
        bad_values(table, checked, "school", unknown, "学校“{value}”不在台账的学校名单中",
                   "请先导入学校名单（fupin import 学校名单.xlsx），或把学校名称改成与名单完全一致", code="school_unknown")

    stage, bad = values.map_values(table.text("stage"), STAGE_WORDS)
    bad_values(table, checked, "stage", bad, "学段“{value}”无法识别", "请填写 学前、小学、初中、普通高中、中职 等")
    stage = stage.where(stage.notna(), values.by_unique(school_types, stage_of_type))
    stage, grade, bad = values.parse_grade(table.text("grade"), stage.astype(object))
    bad_values(table, checked, "grade", bad, "年级“{value}”无法识别，或与学段不一致",
               "请核对学段和年级，例如 初中 对应 七年级/八年级/九年级，小学 对应 一年级至六年级", code="grade_invalid")
    if not away:
        stage = _stage_by_grade(table, checked, stage, grade, bad, school_ids, school_types)

    boarding, bad = values.map_values(table.text("boarding"), values.BOARDING)
    bad_values(table, checked, "boarding", bad, "就读方式“{value}”无法识别", "请填写“住校”或“走读”")
    status, bad = values.map_values(table.text("status"), values.STATUS)
    bad_values(table, checked, "status", bad, "学籍状态“{value}”无法识别", "请填写 在校、辍学、休学、转出 或 毕业")
    status = status.where(status.notna(), "在校")
    category, bad = values.map_values(table.text("family_category"), CATEGORY_WORDS)
    bad_values(table, checked, "family_category", bad, "家庭经济困难类别“{value}”无法识别",
               f"请填写 {one_of(CATEGORIES.values())}")
    category, roll_registered = _registered(table, checked, category)
    checked.notes.extend(_registry_notes(conn, ids, roll_registered))
    orphan, bad = values.map_values(table.text("is_orphan"), values.YES_NO)
    bad_values(table, checked, "is_orphan", bad, "“{value}”无法识别", "请填写“是”或“否”")
    disability = values.by_unique(table.text("disability"),
                                  lambda v: None if v in ("否", "无", "非残疾") else ("残疾" if v == "是" else v))

    if away:
        place, detail, province = _study_place(table, checked)
    else:
        place, detail = pd.Series(["县内"] * n, dtype=object), pd.Series([None] * n, dtype=object)
        province = detail

    key = _student_term_key(ids, term)
    drop = conflicting_duplicates(table, checked, key, _every_column(table), "id_number", "学生（身份证号）同一学期")

    prepared.term = single_term(term)
    prepared.frames["students"] = keep_frame(table, checked, {
        "id_number": ids, "name": table.text("name"), "sex": sex, "birth_date": birth,
        "student_number": table.text("student_number"), "family_category": category,
        "disability": disability, "is_orphan": flag(orphan), "roll_registered": flag(roll_registered),
    }, drop)
    prepared.frames["enrollments"] = keep_frame(table, checked, {
        "id_number": ids, "term": term, "school_id": school_ids, "school_name": school_names, "stage": stage,
        "grade": grade, "class_name": table.text("class_name"), "boarding": flag(boarding),
        "status": status, "study_place": place, "place_detail": detail, "province_scope": province,
    }, drop)
    present = set(table.fields) | ({"roll_registered", "family_category"} if "poverty_attribute" in table.fields else set())
    prepared.frames["present"] = pd.DataFrame({"field": [f for f in STUDENT_FIELDS if f in present]})
    return prepared


def _registered(table: Table, checked, category: pd.Series) -> tuple[pd.Series, pd.Series]:
    """The roll's own word on registered poverty: 是否建档立卡贫困户 (是/否) and 贫困户属性.

    Returns (family category, roll_registered: True / False / None). 纯低保户 and 五保户 are not registered
    households: they give the category (低保, 特困供养) where 家庭经济困难类别 is empty. A row that says 否 and,
    in another column, 建档立卡 contradicts itself and is refused. How these combine with the registry: poverty.py.
    """
    if "roll_registered" not in table.fields and "poverty_attribute" not in table.fields:
        return category, pd.Series(None, index=category.index, dtype=object)  # most rolls: nothing to read
    said, bad = values.map_values(table.text("roll_registered"), values.YES_NO)
    bad_values(table, checked, "roll_registered", bad, "是否建档立卡贫困户“{value}”无法识别", "请填写“是”或“否”")
    attribute, bad = values.map_values(table.text("poverty_attribute"), CATEGORY_WORDS)
    bad_values(table, checked, "poverty_attribute", bad, "贫困户属性“{value}”无法识别",
               f"请填写 {one_of(POVERTY_ATTRIBUTES)}；不是贫困户的留空")
    by_attribute = attribute.eq("registered_poor")
    no = said.eq(False) & ~said.isna()
    clash = no & (by_attribute | category.eq("registered_poor"))
    bad_values(table, checked, "roll_registered", clash,
               "是否建档立卡贫困户为“{value}”，但同一行的家庭经济困难类别或贫困户属性写的是建档立卡户",
               "请核对后改正其中一处", code="registered_conflict")
    registered = said.where(~by_attribute, True)
    category = category.where(category.notna(), attribute.where(~by_attribute))
    return category.astype(object), registered.astype(object)


def _registry_notes(conn: Connection, ids: pd.Series, said: pd.Series) -> list[str]:
    """Where the roll's 是/否 and the county's registry differ, the clerk is told which way the rule takes them."""
    yes, no = said.eq(True).to_numpy(dtype=bool), said.eq(False).to_numpy(dtype=bool)
    if not (yes.any() or no.any()):
        return []
    wanted = sorted(set(ids[yes | no].dropna()))
    listed: set[str] = set()
    for start in range(0, len(wanted), 500):
        listed |= set(conn.execute(select(RegistryPerson.id_number).where(
            RegistryPerson.id_number.in_(wanted[start:start + 500]))).scalars())
    notes = []
    outside = len(set(ids[yes].dropna()) - listed)
    if outside:
        notes.append(f"{outside:,} 名学生学籍写明是建档立卡户、但不在台账的国扶办名单中（多为外县户籍）：按建档立卡学生计")
    unlisted = len(set(ids[no].dropna()) & listed)
    if unlisted:
        notes.append(f"{unlisted:,} 名学生学籍写“否”、但国扶办名单中有：以国扶办名单为准，按建档立卡学生计")
    return notes


def _stage_by_grade(table: Table, checked, stage: pd.Series, grade: pd.Series, bad: pd.Series,
                    school_ids: pd.Series, school_types: pd.Series) -> pd.Series:
    """Stages the 学段 column, the school's type and the grade's name all leave open.

    A 九年一贯制 school numbers its grades 一年级…九年级, so its 一年级 to 六年级 are 小学 (七年级 on name 初中 already).
    What is still open (三年级 at a 完全中学, or at a school whose type says nothing) is refused: a student without
    a stage would silently fall out of every subsidy standard and enrollment rate.
    """
    nine_year = school_types.map(is_nine_year).astype(bool)
    low = grade.map(lambda g: g is not None and g <= 6).astype(bool)
    stage = stage.where(~(stage.isna() & nine_year & low), "小学")
    open_stage = stage.isna() & grade.notna() & school_ids.notna() & ~bad
    bad_values(table, checked, "grade", open_stage,
               "看不出年级“{value}”属于哪个学段（学校类型没有说明，表中也没有“学段”列）",
               "请在表中加“学段”列（小学、初中、普通高中……），或把年级写成 七年级、高一 这样看得出学段的写法",
               code="grade_invalid")
    return stage


def _every_column(table: Table) -> pd.DataFrame:
    """The columns two rows of one student and term must agree in to be one row twice: every column the file has
    (住校 on one and 走读 on the other decides a subsidy), by its header; only a 序号 numbers rows, not students."""
    skip = {table.fields.get("id_number"), table.fields.get("term")}
    keep = [p for p, h in enumerate(table.headers) if p not in skip and header_key(h) not in _ROW_NUMBERS]
    compare = table.frame[keep]
    compare.columns = [table.headers[p] or table.letters[p] for p in keep]
    return compare


_ROW_NUMBERS = {header_key(h) for h in ("序号", "编号", "行号")}


def _student_term_key(ids: pd.Series, term: pd.Series) -> pd.Series:
    """"ID|term" for rows whose ID number appears more than once, else NA: only those can be duplicates, and a
    million joined strings cost more than the check itself."""
    codes, _ = pd.factorize(ids)
    repeated = (codes >= 0) & (np.bincount(codes + 1)[codes + 1] > 1)  # +1: empty cells (code -1) count apart
    key = pd.Series(None, index=ids.index, dtype=object)
    if repeated.any():
        key[repeated] = ids[repeated].astype(str) + "|" + term[repeated].astype(str)
    return key


def _study_place(table: Table, checked) -> tuple[pd.Series, pd.Series, pd.Series]:
    """就读地 (县外州内 / 州外), the place the letter goes to (就读地区, else 省内/省外), and 省内/省外 on its own:
    it decides 大学新生路费 even where 就读地区 names the city."""
    place, bad = values.map_values(table.text("study_place"), values.STUDY_PLACE)
    bad_values(table, checked, "study_place", bad, "就读地“{value}”无法识别", "请填写 县外州内 或 州外")
    scope = table.text("province_scope")
    bad_values(table, checked, "province_scope", scope.notna() & ~scope.isin(["省内", "省外"]),
               "省内/省外“{value}”无法识别", "请填写“省内”或“省外”，不清楚时留空")
    scope = scope.where(scope.isin(["省内", "省外"]))
    # A ledger that only says 县外 + 省内/省外: 省外 is surely outside the prefecture; 省内 is taken as 县外州内.
    place = place.where(place != "县外", scope.map(lambda s: "州外" if s == "省外" else "县外州内"))
    in_county = place == "县内"
    bad_values(table, checked, "study_place", in_county, "就读地为“县内”的学生不属于县外就读名单",
               "县内就读的学生请放在学籍名册中导入", code="study_place_in_county")
    detail = table.text("place_detail")
    detail = detail.where(detail.notna(), scope)
    return place.astype(object), detail.astype(object), scope.astype(object)


def write(conn: Connection, prepared: Prepared, batch: BatchMaker) -> Counts:
    # The writer consumes the frames: a million-row roll's copies are not kept alive while it is written.
    students, enrollments = prepared.frames.pop("students"), prepared.frames.pop("enrollments")
    present = set(prepared.frames["present"]["field"]) | {"name", "sex", "birth_date"}
    compare = [f for f in STUDENT_FIELDS if f in present]
    e_compare = _enrollment_fields(prepared.table)
    first_id = store.max_id(conn, Student.__table__) + 1
    terms_read = ("term", sorted(set(enrollments["term"].dropna())))
    # A roll much smaller than the ledger (one county's, into a prefecture's ledger) reads back only its own
    # students and their enrollments: reading every stored row made importing n counties' rolls cost n²/2 rows.
    narrow = first_id - 1 > NARROW_FACTOR * len(students)
    among = ("id_number", list(pd.unique(students["id_number"].to_numpy(dtype=object)))) if narrow else None
    # The ledger's side is read on a helper thread while this one works on the file's side; SQLite and Arrow
    # both let go of the GIL, so on two cores the two overlap. Nothing else touches the connection meanwhile.
    with ThreadPoolExecutor(max_workers=1) as reader:
        stored = reader.submit(fetch_fingerprints, conn, Student.__table__, ["id_number"], compare, among=among)
        if not narrow:
            stored_e = reader.submit(fetch_fingerprints, conn, Enrollment.__table__, ["student_id", "term"],
                                     e_compare, only=terms_read)
        codes, people, people_codes = _one_row_per_student(students)
        del students, among
        release_freed_memory()
        merged = _diff_students(people, stored.result(), compare, first_id)
        del people, stored  # a future holds its result for as long as it lives
        student_of, changed_of = _by_code(merged, people_codes)
        if narrow:  # only the enrollments of students already in the ledger can be stored ones
            known = merged["id"].to_numpy(dtype=np.int64)[~merged["_new"].to_numpy()]
            stored_e = reader.submit(fetch_fingerprints, conn, Enrollment.__table__, ["student_id", "term"],
                                     e_compare, only=terms_read, among=("student_id", known.tolist()))
        e = _diff_enrollments(enrollments, student_of[codes], stored_e.result(), e_compare)
        del enrollments, stored_e
    release_freed_memory()
    e_new = e["id"].isna().to_numpy()
    e_changed = e["_changed"].to_numpy() | (~e_new & changed_of[codes])
    counts = Counts(new=int(e_new.sum()), changed=int(e_changed.sum()))
    counts.unchanged = len(e) - counts.new - counts.changed
    is_new = merged["_new"].to_numpy()
    if not (counts.new or counts.changed or is_new.any() or changed_of.any()):
        return counts
    batch_id = batch()
    counts.moved = moved_students(conn, e, e_changed)  # read before the enrollments are overwritten
    store.insert(conn, Student.__table__,
                 merged[is_new][["id", "id_number", "source_row", *STUDENT_FIELDS]].assign(batch_id=batch_id))
    store.update(conn, Student.__table__,
                 merged[merged["_changed"].to_numpy()][["id", *compare, "source_row"]].assign(batch_id=batch_id))
    del merged
    _write_enrollments(conn, e, e_new, e["_changed"].to_numpy(), batch_id, e_compare)
    return counts


def _enrollment_fields(table: Table) -> list[str]:
    """The enrollment fields a roll speaks for: a roll without 就读方式 or 学籍状态 leaves those of the term's stored
    enrollments as they are (new ones still start 在校); school, stage, grade and the place follow from columns
    every roll has."""
    away = table.kind.name == "away"
    always = ("school", "grade")
    return spoken_for(table, ENROLLMENT_FIELDS, {
        "school_id": always, "school_name": always, "stage": always, "grade": always, "study_place": always,
        "place_detail": ("place_detail", "province_scope") if away else always,
        "province_scope": ("province_scope",) if away else always,
    })


def _one_row_per_student(students: pd.DataFrame) -> tuple[np.ndarray, pd.DataFrame, np.ndarray]:
    """(each file row's code, one row per ID number sorted by ID number, each of those rows' code).

    The last row of an ID number speaks for the student. Sorted, new students get ids in index order: the
    B-tree of ID numbers is appended to, not split at random. Row i of the students and enrollments frames is
    the same file row, so the codes link every enrollment row to its student without a million-entry dict.
    """
    codes, _ = pd.factorize(students["id_number"])
    if (codes < 0).any():  # validation refuses such rows; a -1 here would silently pick the last student
        raise ValueError("roll rows without an ID number reached the writer")
    last = ~pd.Series(codes).duplicated(keep="last").to_numpy()
    people = students if last.all() else students[last]
    order = pd.Series(people["id_number"], dtype="str").argsort(kind="stable").to_numpy()
    return codes, people.iloc[order].reset_index(drop=True), codes[last][order]


def _diff_students(people: pd.DataFrame, stored: pd.DataFrame, compare: list[str], first_id: int) -> pd.DataFrame:
    """The students with `id` (new ones numbered from first_id, in ID-number order), `_new` and `_changed`."""
    merged = diff_fetched(people[["id_number", "source_row", *STUDENT_FIELDS]], stored, compare,
                          key=lambda frame: frame["id_number"])
    merged["_new"] = merged["id"].isna().to_numpy()
    merged.loc[merged["_new"], "id"] = np.arange(first_id, first_id + int(merged["_new"].sum()), dtype=np.int64)
    return merged


def _by_code(merged: pd.DataFrame, people_codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each student's id and whether the student changed, indexed by code."""
    student_of = np.empty(len(merged), dtype=np.int64)
    student_of[people_codes] = merged["id"].to_numpy(dtype=np.int64)
    changed_of = np.zeros(len(merged), dtype=bool)
    changed_of[people_codes] = merged["_changed"].to_numpy()
    return student_of, changed_of


def _diff_enrollments(enrollments: pd.DataFrame, student_ids: np.ndarray, stored: pd.DataFrame,
                      compare: list[str]) -> pd.DataFrame:
    """The file's enrollments with `student_id`, aligned with the stored ones on (student, term)."""
    enroll = enrollments.drop(columns="id_number").assign(student_id=student_ids)
    return diff_fetched(enroll[["student_id", "term", "source_row", *ENROLLMENT_FIELDS]], stored, compare,
                        key=_enrollment_key)


def _write_enrollments(conn: Connection, e: pd.DataFrame, new: np.ndarray, changed: np.ndarray, batch_id: int,
                       changing: list[str]) -> None:
    cols = ["student_id", "term", *ENROLLMENT_FIELDS, "source_row"]
    fresh = e[new]
    # In (student, term) order, like the unique index they go into.
    fresh = fresh.iloc[np.lexsort((pd.factorize(fresh["term"], sort=True)[0], fresh["student_id"].to_numpy(dtype=np.int64)))]
    store.insert(conn, Enrollment.__table__, fresh[cols].assign(batch_id=batch_id))
    store.update(conn, Enrollment.__table__,
                 e[changed][["id", "student_id", "term", *changing, "source_row"]].assign(batch_id=batch_id))


def _enrollment_key(frame: pd.DataFrame) -> np.ndarray:
    """(student, term) as one integer, so a million-row diff hashes ints rather than joined strings."""
    if not len(frame):
        return np.zeros(0, dtype=np.int64)
    terms, labels = pd.factorize(frame["term"])
    ordinal = np.array([Term.parse(t).year * 2 + Term.parse(t).season for t in labels], dtype=np.int64)[terms]
    return frame["student_id"].to_numpy(dtype=np.int64) * 10_000 + ordinal
