"""Facts the sample county is shaped on: sizes from a real county's 2019 year-end summary, the 2019 standards.

Copied into code on purpose: the project must not read the shared design notes at run time.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

COUNTY = "样例县"  # plainly not a real county, so nobody mistakes the sample for real records
COUNTY_CODE = "422822"
PROVINCE_PREFECTURE = "湖北省恩施州"
FALL, SPRING = "2019秋", "2019春"
# Ages are taken on 31 August of the school year's first calendar year.
AGE_DAY = date(2019, 8, 31)
# Every file carries this as its creation and modification time, so a run is byte-for-byte repeatable.
FIXED_TIME = datetime(2019, 12, 31, 9, 0, 0)
REGISTRY_DATE = "2019-12-31"

# 城关镇 is the county seat and holds the county-level schools; the weights are shares of the population.
TOWNSHIPS: tuple[tuple[str, float], ...] = (
    ("城关镇", 3.0), ("青岭镇", 1.2), ("石桥镇", 1.1), ("龙泉镇", 1.0), ("白杨乡", 0.8),
    ("枫林镇", 1.0), ("茶园乡", 0.7), ("清水镇", 0.9), ("云台乡", 0.6), ("桂花乡", 0.7),
)
SEAT = "城关镇"

# School counts by type at scale 1 (the year-end summary): 168 in all.
SCHOOL_COUNTS = {"中职": 1, "普通高中": 2, "初中": 17, "小学": 68, "教学点": 9, "幼儿园公办": 9, "幼儿园民办": 61,
                 "特殊教育": 1}
TYPE_STAGE = {"中职": "中职", "普通高中": "普通高中", "初中": "初中", "小学": "小学", "教学点": "小学",
              "幼儿园": "学前", "特殊教育": "特殊教育"}

STUDENTS = {"中职": 2828, "普通高中": 7570, "初中": 14226, "小学": 27450, "学前": 11263, "特殊教育": 69}
POOR_LOCAL_IN_COUNTY = 16253  # registered poor students of the county studying in it
POOR_OTHER_IN_COUNTY = 413  # registered poor students from other counties studying here
AWAY_IN_PREFECTURE = 1063
AWAY_OUT_OF_PREFECTURE = 1587
OTHER_COUNTY_STUDENTS = 1900  # all students whose household is elsewhere (the 413 included)
TEACHERS = 3632
OTHER_CATEGORY_COUNTS = {"低保": 220, "残疾": 60, "孤儿": 35, "特困供养": 25}
PRESCHOOL_GROSS_RATIO = 0.86
SENIOR_GROSS_RATIO = 0.90

GRADES = {
    "学前": ("小班", "中班", "大班"),
    "小学": ("一年级", "二年级", "三年级", "四年级", "五年级", "六年级"),
    "初中": ("七年级", "八年级", "九年级"),
    "普通高中": ("高一", "高二", "高三"),
    "中职": ("一年级", "二年级", "三年级"),
    "特殊教育": ("一年级", "二年级", "三年级", "四年级", "五年级", "六年级", "七年级", "八年级", "九年级"),
    "高职": ("一年级", "二年级"),
}
ENTRY_AGE = {"学前": 3, "小学": 6, "初中": 12, "普通高中": 15, "中职": 15, "特殊教育": 7, "高职": 18}
CLASS_SIZE = {"学前": 30, "小学": 45, "初中": 50, "普通高中": 55, "中职": 45, "特殊教育": 12, "高职": 50}
# The poverty registry's 在校生状况 word for each stage.
REGISTRY_STAGE = {"学前": "学前教育", "小学": "小学", "初中": "初中", "普通高中": "高中", "中职": "中职",
                  "特殊教育": "特殊教育", "高职": "高职"}

# Per-term standards of data/policies/default.toml, 2019: (program, stage, boarding or None, grades or None,
# categories, amount). Kept here so the sample never depends on a policy file a county may have edited.
_FOUR = ("建档立卡", "低保", "特困供养", "残疾")
STANDARDS: tuple[tuple[str, str, bool | None, tuple[int, ...] | None, tuple[str, ...], Decimal], ...] = (
    ("学前教育幼儿资助", "学前", None, None, ("建档立卡", "低保", "特困供养", "孤儿", "残疾"), Decimal("750")),
    ("义务教育寄宿生生活补助", "小学", True, None, _FOUR, Decimal("500")),
    ("义务教育寄宿生生活补助", "初中", True, None, _FOUR, Decimal("625")),
    ("义务教育非寄宿生生活补助", "小学", False, None, _FOUR, Decimal("250")),
    ("义务教育非寄宿生生活补助", "初中", False, None, _FOUR, Decimal("312.5")),
    ("普通高中国家助学金", "普通高中", None, None, ("建档立卡",), Decimal("1500")),
    ("中职国家助学金", "中职", None, (1, 2), ("建档立卡",), Decimal("1000")),
    ("雨露计划", "中职", None, None, ("建档立卡",), Decimal("1500")),
)

# Other counties of the prefecture (region code, name) and other provinces' counties (code, province, county).
PREFECTURE_COUNTIES = (("422801", "恩施市"), ("422802", "利川市"), ("422823", "巴东县"), ("422825", "宣恩县"),
                       ("422826", "咸丰县"), ("422827", "来凤县"), ("422828", "鹤峰县"))
OTHER_PROVINCE_COUNTIES = (("500236", "重庆市", "奉节县"), ("500237", "重庆市", "巫山县"),
                           ("433127", "湖南省湘西州", "永顺县"), ("420527", "湖北省宜昌市", "秭归县"))
OTHER_COUNTY_TOWNSHIPS = ("东城街道", "南坪乡", "西溪镇", "北岭镇", "中和镇")
# Where students studying outside the prefecture go: (就读地区, city, region code of a child born there).
IN_PROVINCE_CITIES = (("湖北省武汉市", "武汉市", "420106"), ("湖北省宜昌市", "宜昌市", "420502"),
                      ("湖北省荆州市", "荆州市", "421002"), ("湖北省襄阳市", "襄阳市", "420602"))
OUT_OF_PROVINCE_CITIES = (("广东省东莞市", "东莞市", "441900"), ("广东省深圳市", "深圳市", "440306"),
                          ("浙江省宁波市", "宁波市", "330212"), ("福建省厦门市", "厦门市", "350206"),
                          ("江苏省苏州市", "苏州市", "320506"))
AWAY_SCHOOL_SUFFIX = {
    "学前": ("实验幼儿园", "阳光幼儿园"), "小学": ("实验小学", "第二实验小学", "育才小学"),
    "初中": ("实验初级中学", "第三中学"), "普通高中": ("第一中学", "第二中学", "民族高级中学"),
    "中职": ("中等职业技术学校", "职业技术学校", "高级技工学校"), "高职": ("职业技术学院",),
}

ETHNICITIES = (("汉族", 55), ("土家族", 35), ("苗族", 8), ("侗族", 2))
DISABILITY_TYPES = ("视力残疾", "听力残疾", "言语残疾", "肢体残疾", "智力残疾", "精神残疾", "多重残疾")
