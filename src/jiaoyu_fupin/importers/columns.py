"""Column names clerks use, per kind of file; the first name of each field is the one our templates write.

Header text is compared after `header_key()`: NFKC (full-width brackets and digits), no spaces, no "*" marks.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field

from jiaoyu_fupin.core.poverty import CATEGORIES, POVERTY_ATTRIBUTES
from jiaoyu_fupin.core.problems import ClerkError
from jiaoyu_fupin.core.stages import SCHOOL_TYPES, STAGES

ID_ALIASES = ("身份证号", "身份证号码", "身份证件号", "证件号码", "公民身份号码", "身份证件号码")
NAME_ALIASES = ("姓名", "学生姓名")
SCHOOL_ALIASES = ("学校名称", "学校全称", "学校", "就读学校", "学校(园)名称")
TERM_ALIASES = ("学期", "发放学期", "资助学期")


@dataclass(frozen=True)
class Column:
    field: str
    aliases: tuple[str, ...]
    title: str  # how messages name the field when its column is missing
    required: bool = False
    example: str = ""
    choices: tuple[str, ...] = ()  # for the template's dropdown
    text: bool = False  # formatted as Text in templates (IDs, codes)


@dataclass(frozen=True)
class Kind:
    name: str
    title: str
    columns: tuple[Column, ...]
    # Headers only this kind of file has: they decide the kind when --kind is not given.
    signature: tuple[str, ...] = ()
    ignored: tuple[str, ...] = field(default=())  # known headers we deliberately do not keep
    # Told by its signature only: a kind whose required columns any list of people has (包保 needs just an ID).
    needs_signature: bool = False

    def column(self, field_name: str) -> Column:
        return next(c for c in self.columns if c.field == field_name)

    @property
    def required(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.required)


@functools.lru_cache(maxsize=8192)  # finding a header scores every kind against every early row: ~20,000 calls
def header_key(text: object) -> str:
    if text is None:
        return ""
    key = unicodedata.normalize("NFKC", str(text))
    return "".join(ch for ch in key if not ch.isspace() and ch not in "*＊").lower()


YES_NO = ("是", "否")
CATEGORY_NAMES = tuple(CATEGORIES.values())

SCHOOLS = Kind(
    "schools", "学校名单",
    (
        Column("school_code", ("学校标识码", "学校代码", "标识码"), "学校标识码", example="3452000001", text=True),
        Column("name", ("学校名称", "学校全称", "学校(园)名称", "学校", "单位名称"), "学校名称", True, "城关第一小学"),
        Column("school_type", ("学校类型", "办学类型", "学校类别", "学段"), "学校类型", True, "小学",
               SCHOOL_TYPES),
        Column("township", ("所在乡镇", "乡镇", "乡镇(街道)", "所属乡镇", "乡镇名称"), "所在乡镇", example="城关镇"),
        Column("ownership", ("办别", "办学性质", "举办者类型", "公办/民办"), "办别", example="公办", choices=("公办", "民办")),
    ),
    signature=("学校标识码", "学校类型", "办学类型", "办别", "办学性质"),
    ignored=("序号", "备注", "校长", "联系电话", "地址"),
)

ROLL = Kind(
    "roll", "学籍名册",
    (
        Column("name", NAME_ALIASES, "姓名", True, "张小明"),
        Column("sex", ("性别",), "性别", example="男", choices=("男", "女")),
        Column("birth_date", ("出生日期",), "出生日期", example="2008-03-15"),
        Column("id_number", ID_ALIASES, "身份证件号", True, "422822200803151234", text=True),
        Column("student_number", ("全国学籍号", "学籍号"), "全国学籍号", example="G422822200803151234", text=True),
        Column("school", SCHOOL_ALIASES, "学校名称", True, "城关第一小学"),
        Column("stage", ("学段",), "学段", example="初中", choices=STAGES),
        Column("grade", ("年级",), "年级", True, "七年级"),
        Column("class_name", ("班级", "班级名称"), "班级", example="1班"),
        Column("boarding", ("就读方式", "是否寄宿", "是否住校"), "就读方式", example="住校", choices=("住校", "走读")),
        Column("status", ("学籍状态", "在校状态", "学生状态"), "学籍状态", example="在校",
               choices=("在校", "辍学", "休学", "转出", "毕业")),
        Column("family_category", ("家庭经济困难类别", "贫困类型", "资助类别"), "家庭经济困难类别",
               choices=CATEGORY_NAMES),
        # Newer rolls and school lists say whether the family is registered poor: the only way the county knows a
        # child from another county (in no registry file of its own) is registered poor.
        Column("roll_registered", ("是否建档立卡贫困户", "是否建档立卡", "建档立卡贫困户", "是否建档立卡户", "是否建档立卡学生"),
               "是否建档立卡贫困户", choices=YES_NO),
        Column("poverty_attribute", ("贫困户属性",), "贫困户属性", choices=POVERTY_ATTRIBUTES),
        Column("disability", ("残疾类型", "是否残疾生"), "残疾类型"),
        Column("is_orphan", ("是否孤儿",), "是否孤儿", choices=YES_NO),
        Column("term", TERM_ALIASES, "学期", example="2019秋"),
    ),
    signature=("全国学籍号", "身份证件类型", "入学年月", "就读方式", "学籍状态", "是否留守儿童"),
    ignored=(
        "序号", "备注", "民族", "身份证件类型", "入学年月", "户口所在地", "是否留守儿童", "是否进城务工人员随迁子女",
        "是否需要申请资助", "是否享受一补", "监护人姓名", "监护人关系", "监护人联系电话", "监护人身份证件号",
        "监护人1姓名", "监护人1关系", "监护人1联系电话", "监护人1身份证件号", "监护人2姓名", "监护人2关系",
        "监护人2联系电话", "监护人2身份证件号", "家庭住址", "联系电话",
    ),
)

AWAY = Kind(
    "away", "县外就读建档立卡学生",
    (
        Column("name", NAME_ALIASES, "姓名", True, "李小红"),
        Column("id_number", ID_ALIASES, "身份证号码", True, "422822200501011234", text=True),
        Column("household_code", ("户编号",), "户编号", text=True),
        Column("township", ("乡镇",), "乡镇"),
        Column("village", ("村组(社区)", "村", "村组"), "村组（社区）"),
        Column("school", SCHOOL_ALIASES, "学校全称", True, "某市第一中学"),
        Column("stage", ("学段",), "学段", True, "普通高中", choices=STAGES),
        Column("grade", ("年级",), "年级", example="高一"),
        Column("class_name", ("班级",), "班级"),
        Column("student_number", ("学籍号", "全国学籍号"), "学籍号", text=True),
        Column("boarding", ("就读方式", "是否寄宿"), "就读方式", choices=("住校", "走读")),
        Column("family_category", ("贫困类型", "家庭经济困难类别", "资助类别"), "贫困类型", choices=CATEGORY_NAMES),
        Column("study_place", ("就读地", "就读地类别", "县内/县外"), "就读地", True, "县外州内",
               ("县外州内", "州外", "县外")),
        Column("province_scope", ("省内/省外",), "省内/省外", choices=("省内", "省外")),
        Column("place_detail", ("就读地区", "就读省市", "就读地址"), "就读地区", example="湖北省武汉市"),
        Column("term", TERM_ALIASES, "学期", example="2019秋"),
    ),
    signature=("县内/县外", "省内/省外", "就读地", "就读地区", "就读省市"),
    ignored=("序号", "备注", "省市", "区县", "户主姓名", "联系电话", "是否残疾生", "不在校原因", "本学期是否享受资助"),
)

REGISTRY = Kind(
    "registry", "国扶办建档立卡人员",
    (
        Column("id_number", ("身份证号", "证件号码", "身份证号码", "公民身份号码"), "身份证号", True, text=True),
        Column("name", ("姓名",), "姓名", True),
        Column("household_code", ("户编号",), "户编号", True, text=True),
        Column("person_code", ("人编号", "人口编号"), "人编号", text=True),
        Column("county", ("市区旗", "县", "县(市、区)"), "县"),
        Column("township", ("乡镇", "乡"), "乡镇"),
        Column("village", ("村", "行政村"), "村"),
        Column("relation", ("与户主关系",), "与户主关系"),
        Column("school_status", ("在校生状况",), "在校生状况"),
        Column("poverty_attribute", ("贫困户属性",), "贫困户属性"),
        Column("poverty_status", ("脱贫属性",), "脱贫属性"),
        Column("not_in_school_reason", ("义务教育阶段未上学原因",), "义务教育阶段未上学原因"),
    ),
    signature=("户编号", "人编号", "人口编号", "与户主关系", "贫困户属性", "脱贫属性", "在校生状况"),
    ignored=(
        "编号", "社、组", "家庭成员数", "民族", "文化程度", "健康状况", "劳动技能", "务工状况", "务工时间(月)",
        "参加大病医疗", "主要致贫原因", "危房户", "饮水安全", "饮水困难", "人均纯收入", "联系电话", "统计时间",
    ),
)

PAYMENTS = Kind(
    "payments", "资助发放名册",
    (
        Column("name", NAME_ALIASES, "姓名", True, "张小明"),
        Column("id_number", ID_ALIASES, "身份证号码", True, "422822200803151234", text=True),
        Column("school", SCHOOL_ALIASES, "学校名称", example="城关第一小学"),
        Column("program", ("资助项目", "项目名称", "资助项目名称"), "资助项目", True, "义务教育非寄宿生生活补助"),
        Column("amount", ("资助金额", "发放金额", "金额(元)", "金额", "资助金额(元)", "发放金额(元)"), "资助金额",
               True, "312.5"),
        Column("term", TERM_ALIASES, "学期", example="2019秋"),
        Column("paid_on", ("发放日期", "发放时间", "到账日期"), "发放日期", example="2019-11-20"),
    ),
    signature=("资助项目", "项目名称", "资助金额", "发放金额", "金额(元)", "发放日期"),
    ignored=("序号", "备注", "年级", "班级", "学段", "银行卡号", "开户行", "银行账号", "一卡通账号", "联系电话"),
)

HELPERS = Kind(
    "helpers", "帮扶责任人",
    (
        Column("helper_code", ("身份证号", "身份证号码", "教职工号", "工号", "证件号码"), "身份证号或教职工号", True,
               text=True),
        Column("name", ("姓名", "帮扶责任人", "帮扶责任人姓名"), "姓名", True, "王老师"),
        Column("school", ("工作单位", "所在学校", "学校名称", "学校", "单位"), "工作单位", example="城关第一小学"),
        Column("role", ("职务", "身份", "角色", "岗位"), "职务", example="教师",
               choices=("教师", "班主任", "校领导", "局领导", "股室负责人")),
        Column("phone", ("联系电话", "手机号码", "电话"), "联系电话", text=True),
    ),
    signature=("工作单位", "职务", "教职工号", "工号", "岗位"),
    ignored=("序号", "备注", "性别", "民族", "政治面貌", "学历"),
)

PAIRINGS = Kind(
    "pairings", "结对帮扶关系",
    (
        Column("helper_code", ("帮扶责任人身份证号", "帮扶责任人证件号", "帮扶责任人教职工号", "责任人教职工号",
                               "帮扶人身份证号", "帮扶责任人身份证号码", "责任人身份证号", "责任人身份证号码"),
               "帮扶责任人身份证号或教职工号", True, text=True),
        Column("helper_name", ("帮扶责任人姓名", "帮扶责任人", "帮扶人姓名", "责任人姓名"), "帮扶责任人姓名", True),
        Column("student_id", ("学生身份证号", "学生身份证号码", "受助学生身份证号", "帮扶对象身份证号"),
               "学生身份证号", True, text=True),
        Column("student_name", ("学生姓名", "帮扶对象", "帮扶对象姓名", "受助学生姓名"), "学生姓名", True),
        Column("start_date", ("结对日期", "结对开始日期", "开始日期", "结对时间"), "结对日期", True, "2019-09-01"),
        Column("end_date", ("结束日期", "结对结束日期", "解除日期"), "结束日期"),
    ),
    signature=("帮扶责任人身份证号", "学生身份证号", "结对日期", "结对开始日期"),
    ignored=("序号", "备注", "学校", "学校名称", "年级", "班级", "联系电话"),
)

ACTIVITIES = Kind(
    "activities", "结对帮扶记录",
    (
        Column("helper_code", ("帮扶责任人身份证号", "帮扶责任人证件号", "帮扶责任人教职工号", "责任人教职工号",
                               "帮扶人身份证号", "帮扶责任人身份证号码", "责任人身份证号", "责任人身份证号码"),
               "帮扶责任人身份证号或教职工号", True, text=True),
        Column("helper_name", ("帮扶责任人姓名", "帮扶责任人", "帮扶人姓名", "责任人姓名"), "帮扶责任人姓名"),
        Column("student_id", ("学生身份证号", "学生身份证号码", "受助学生身份证号", "帮扶对象身份证号"),
               "学生身份证号", True, text=True),
        Column("student_name", ("学生姓名", "帮扶对象", "帮扶对象姓名", "受助学生姓名"), "学生姓名"),
        Column("activity_type", ("帮扶类型", "帮扶项目", "活动类型", "记录类型"), "帮扶类型", True, "家访",
               ("计划", "家访", "实事", "总结", "帮扶措施", "帮扶活动")),
        Column("activity_date", ("帮扶日期", "活动日期", "帮扶时间", "日期"), "帮扶日期", True, "2019-10-12"),
        Column("note", ("帮扶内容", "活动内容", "内容", "情况记录", "备注"), "帮扶内容", example="入户家访，宣讲资助政策"),
    ),
    signature=("帮扶类型", "帮扶项目", "活动类型", "帮扶日期", "活动日期", "帮扶内容"),
    ignored=("序号", "学校", "学校名称", "年级", "班级", "联系电话"),
)

OVERSIGHT = Kind(
    "oversight", "包保责任",
    (
        Column("helper_code", ("包保责任人身份证号", "包保责任人证件号", "包保责任人教职工号", "包保领导身份证号",
                               "责任人身份证号", "责任人教职工号"), "包保责任人身份证号或教职工号", True, text=True),
        Column("helper_name", ("包保责任人姓名", "包保责任人", "包保领导", "责任人姓名"), "包保责任人姓名", example="刘局长"),
        Column("level", ("包保层级", "包保对象类型", "包保类型", "层级"), "包保层级", example="学校",
               choices=("乡镇", "学校", "班级")),
        Column("township", ("包保乡镇", "乡镇", "乡镇(街道)"), "包保乡镇", example="城关镇"),
        Column("school", ("包保学校", "学校名称", "学校", "学校全称"), "包保学校", example="城关中学"),
        Column("grade", ("包保年级", "年级"), "年级", example="七年级"),
        Column("class_name", ("包保班级", "班级"), "班级", example="1班"),
        Column("term", TERM_ALIASES, "学期", example="2019秋"),
    ),
    signature=("包保层级", "包保对象类型", "包保责任人姓名", "包保责任人身份证号", "包保乡镇", "包保学校", "包保班级"),
    ignored=("序号", "备注", "职务", "工作单位", "联系电话"),
    needs_signature=True,
)

POPULATION = Kind(
    "population", "户籍适龄儿童",
    (
        Column("id_number", ("公民身份号码", "身份证号", "身份证号码", "证件号码"), "公民身份号码", True, text=True),
        Column("name", ("姓名",), "姓名", True),
        Column("sex", ("性别",), "性别", choices=("男", "女")),
        Column("birth_date", ("出生日期",), "出生日期", example="2012-05-01"),
        Column("township", ("乡镇(街道)", "乡镇", "户籍乡镇"), "乡镇（街道）", example="城关镇"),
        Column("village", ("村(社区)", "村", "户籍村"), "村（社区）"),
    ),
    signature=("公民身份号码", "乡镇(街道)", "村(社区)", "户籍乡镇"),
    ignored=("序号", "备注", "民族", "户籍地址", "住址", "户主姓名", "与户主关系", "监护人", "联系电话"),
)

DROPOUTS = Kind(
    "dropouts", "辍学学生台账",
    (
        Column("name", ("学生姓名", "姓名"), "学生姓名", True),
        Column("sex", ("性别",), "性别", choices=("男", "女")),
        Column("id_number", ("身份证号码", "身份证号", "身份证件号", "公民身份号码"), "身份证号码", True, text=True),
        Column("school_grade", ("就读学校及年级", "原就读学校及年级"), "就读学校及年级", example="城关中学七年级"),
        Column("left_month", ("辍学年月", "辍学时间"), "辍学年月", example="2019-10"),
        Column("guardian_name", ("家长(或监护人)姓名", "监护人姓名", "家长姓名"), "家长（或监护人）姓名"),
        Column("guardian_phone", ("电话号码", "联系电话"), "电话号码", text=True),
        Column("address", ("家庭住址",), "家庭住址"),
        Column("household_registration", ("户籍所在地",), "户籍所在地"),
        Column("reason", ("辍学原因",), "辍学原因"),
        Column("measures", ("已采取的帮扶措施", "帮扶措施"), "已采取的帮扶措施"),
        Column("visit_count", ("劝返次数",), "劝返次数"),
        Column("visitors", ("劝返人员姓名", "劝返人员"), "劝返人员姓名"),
        Column("visit_date", ("劝返时间", "劝返日期"), "劝返时间", example="2019-11-05"),
        Column("visit_result", ("劝返就读情况记录", "劝返结果"), "劝返就读情况记录"),
    ),
    signature=("辍学年月", "辍学原因", "劝返次数", "就读学校及年级", "已采取的帮扶措施"),
    ignored=("序号", "备注"),
)

# Tables without ID numbers: the registered population by birth year, the annual statistics by school and year.
POPULATION_COUNTS = Kind(
    "population_counts", "户籍人口分年龄汇总",
    (
        Column("township", ("乡镇(街道)", "乡镇", "户籍乡镇", "乡镇名称"), "乡镇（街道）", example="城关镇"),
        Column("birth", ("出生年份", "出生年月", "出生年度", "出生年"), "出生年份", True, "2013"),
        Column("count", ("人数", "人口数", "户籍人数", "儿童人数"), "人数", True, "1250"),
        Column("sex", ("性别",), "性别", choices=("男", "女")),
        Column("year", ("统计年度", "年度", "统计年份"), "统计年度", example="2019"),
    ),
    signature=("出生年份", "出生年月", "人口数", "户籍人数", "统计年度"),
    ignored=("序号", "备注", "县", "区县", "县(市、区)"),
)

SCHOOL_STATS = Kind(
    "school_stats", "教育事业统计",
    (
        Column("school_year", ("学年", "学年度", "年度", "统计年度"), "学年", True, "2018-2019学年"),
        Column("school_code", ("学校标识码", "学校代码", "标识码"), "学校标识码", text=True),
        Column("school", SCHOOL_ALIASES, "学校名称", True, "城关第一小学"),
        Column("township", ("所在乡镇", "乡镇", "乡镇(街道)"), "所在乡镇", example="城关镇"),
        Column("stage", ("学段",), "学段", example="小学", choices=STAGES),
        Column("grade", ("年级",), "年级", example="一年级"),
        Column("entrants", ("招生数", "招生人数", "新生数"), "招生数", example="120"),
        Column("enrolled", ("在校生数", "在校学生数", "在校人数"), "在校生数", example="118"),
        Column("graduates", ("毕业生数", "毕业人数"), "毕业生数"),
        Column("transfers_in", ("转入", "转入人数", "转入学生数"), "转入", example="3"),
        Column("transfers_out", ("转出", "转出人数", "转出学生数"), "转出", example="5"),
    ),
    signature=("学年", "学年度", "招生数", "在校生数", "毕业生数", "转入", "转出", "转入人数", "转出人数"),
    ignored=("序号", "备注", "班数", "教职工数", "专任教师数", "办别", "学校类型"),
)

KINDS: dict[str, Kind] = {k.name: k for k in (SCHOOLS, ROLL, AWAY, REGISTRY, PAYMENTS, HELPERS, PAIRINGS, ACTIVITIES,
                                                     OVERSIGHT, POPULATION, DROPOUTS,
                                                     POPULATION_COUNTS, SCHOOL_STATS)}


# Words clerks use for a kind of file besides its code and its title.
_KIND_WORDS = {"学校": "schools", "学籍": "roll", "学籍表": "roll", "县外就读": "away", "国扶办": "registry",
               "建档立卡": "registry", "发放名册": "payments", "资助名册": "payments",
               "帮扶责任人": "helpers", "结对": "pairings", "六个一": "activities", "帮扶记录": "activities",
               "包保": "oversight", "户籍儿童": "population", "辍学台账": "dropouts", "人口汇总": "population_counts",
               "事业统计": "school_stats"}


def kind_title(name: str | None) -> str:
    """A kind's Chinese title for the clerk (学籍名册); a revert's batch says so; an unknown code as it is."""
    if name == "revert":
        return "撤销导入"
    return KINDS[name].title if name in KINDS else (name or "")


def kind_code(value: str) -> str | None:
    """The kind a clerk named by code (roll), by title (学籍名册) or by a common word (学籍); None if none."""
    key = header_key(value)
    for kind in KINDS.values():
        if key in (kind.name, header_key(kind.title)):
            return kind.name
    return _KIND_WORDS.get(key)


def require_kind(value: str, what: str = "文件类型") -> str:
    """kind_code, or a ClerkError (misuse) naming every kind to choose from."""
    code = kind_code(value)
    if code is None:
        raise ClerkError(f"不认识的{what}“{value}”", "可选：" + "、".join(f"{k.title}（{k.name}）" for k in KINDS.values()))
    return code


_NOTE = re.compile(r"\([^()]*\)$")


def bare_key(key: str) -> str:
    """A header key without a trailing note in brackets: 身份证号码（18位）, 学期（如2019秋）, 姓名（必填）."""
    return _NOTE.sub("", key) or key


def match_headers(kind: Kind, headers: list[str]) -> dict[str, int]:
    """Field -> column position, taking for each field the first alias found (aliases are in preference order).

    A header matches an alias as written or, failing that, without a trailing note in brackets; notes that are
    part of a name (乡镇(街道), 金额(元)) match as written first.
    """
    keys = [header_key(h) for h in headers]
    bare = [bare_key(k) for k in keys]
    found: dict[str, int] = {}
    taken: set[int] = set()
    for column in kind.columns:
        for alias in column.aliases:
            key = header_key(alias)
            for candidates in (keys, bare):
                if key in candidates and candidates.index(key) not in taken:
                    found[column.field] = candidates.index(key)
                    taken.add(candidates.index(key))
                    break
            if column.field in found:
                break
    return found


# Tables of work, not of people (collaboration plans and records, task lists) are declared in their own module, which
# adds them to KINDS; imported last, as it builds on everything above.
import jiaoyu_fupin.importers.work_columns  # noqa: E402, F401
