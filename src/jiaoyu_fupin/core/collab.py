"""The words of collaboration: what kinds of plan rows and records there are, and what each target counts."""

from __future__ import annotations

from dataclasses import dataclass

from jiaoyu_fupin.core.names import text_key

PLAN_KINDS = ("跟岗培训", "专家培训")
RECORD_KINDS = ("支教", "挂职", "跟岗培训", "专家培训", "捐资助学", "援建项目", "捐物")
EAST_WEST, PROVINCE = "东西部协作", "省内协作"

# How clerks name each kind of record; compared after text_key.
RECORD_ALIASES = {
    "支教": ("支教", "送教", "支教帮扶", "结对支教", "研究生支教", "教师支教"),
    "挂职": ("挂职", "干部挂职", "挂职支教", "挂职干部"),
    "跟岗培训": ("跟岗培训", "跟岗", "跟岗学习", "赴东部跟岗", "交流学习"),
    "专家培训": ("专家培训", "专家讲学", "专家指导", "送培", "专家送培", "培训班"),
    "捐资助学": ("捐资助学", "助学", "爱心助学", "春风助学", "同心助学", "奖学金", "助学金", "捐助学生"),
    "援建项目": ("援建项目", "援建", "项目援建", "援助资金", "资金援助", "建设项目"),
    "捐物": ("捐物", "捐赠物资", "物资捐赠", "捐赠设备", "设备捐赠"),
}
RECORD_KIND_OF = {text_key(alias): kind for kind, aliases in RECORD_ALIASES.items() for alias in aliases}
PLAN_KIND_OF = {**{text_key(a): "跟岗培训" for a in RECORD_ALIASES["跟岗培训"]},
                **{text_key(a): "专家培训" for a in RECORD_ALIASES["专家培训"]}}


@dataclass(frozen=True)
class TargetSpec:
    item: str
    unit: str
    meaning: str  # how progress is counted, shown beside the figure


# The plan's targets (东西部扶贫协作工作方案 二、三): what each counts among the year's east–west records.
TARGETS = {
    "支教": TargetSpec("支教", "人次", "协作方来县支教、挂职和讲学培训的教师人次（支教、挂职、专家培训记录的人数之和）"),
    "跟岗培训": TargetSpec("跟岗培训", "人", "本县赴协作方跟岗培训的人数（跟岗培训记录的人数之和）"),
    "挂职干部": TargetSpec("挂职干部", "人", "协作方派来挂职的干部人数（挂职记录的人数之和）"),
    "结对学校": TargetSpec("结对学校", "所", "有协作方来校支教记录的本县学校数"),
    "资助学生": TargetSpec("资助学生", "人次", "协作方社会力量资助本县学生的人次（捐资助学记录的人次之和）"),
}
TARGET_ALIASES = {
    "支教": ("支教", "支教人次", "教师支教", "滨江教师支教"),
    "跟岗培训": ("跟岗培训", "跟岗", "跟岗培训人数", "跟岗学习"),
    "挂职干部": ("挂职干部", "挂职", "干部挂职", "增派挂职干部"),
    "结对学校": ("结对学校", "结对帮扶学校", "结对"),
    "资助学生": ("资助学生", "资助特困学生", "公益助学", "捐资助学", "助学"),
}
TARGET_OF = {text_key(alias): item for item, aliases in TARGET_ALIASES.items() for alias in aliases}
