"""Column names of the tables of work: the east–west collaboration plan, its targets and its records, and the
bureau's and the schools' task lists. Required columns are only those without which a row means nothing."""

from __future__ import annotations

from jiaoyu_fupin.importers.columns import KINDS, Column, Kind

COLLAB_PLAN = Kind(
    "collab_plan", "扶贫协作计划",
    (
        Column("seq", ("序号",), "序号", example="1"),
        Column("project", ("对象", "项目名称", "培训对象", "参训对象", "培训项目", "项目"), "对象或项目名称", True,
               "幼儿园园长"),
        Column("experts", ("滨江来建始专家", "来县专家", "协作方专家", "派出专家", "专家"), "协作方专家",
               example="幼儿园骨干教师"),
        Column("offices", ("责任股室", "责任单位", "负责股室", "负责单位", "牵头股室", "责任科室"), "责任股室", True, "人事股、教育股"),
        Column("period", ("时间", "培训时间", "计划时间", "时间安排", "时段", "月份"), "时间", True, "3 月"),
        Column("people", ("人数", "计划人数", "参训人数", "培训人数", "拟派人数", "专家人数"), "人数", True, "25"),
        Column("kind", ("类别", "计划类别", "培训类别"), "类别", example="跟岗培训", choices=("跟岗培训", "专家培训")),
        Column("year", ("年度", "年份"), "年度", example="2019"),
        Column("note", ("备注", "说明"), "备注"),
    ),
    signature=("滨江来建始专家", "来县专家", "协作方专家", "对象", "培训对象", "责任股室"),
)

COLLAB_TARGETS = Kind(
    "collab_targets", "扶贫协作年度目标",
    (
        Column("item", ("目标项目", "协作项目", "目标任务", "指标", "项目"), "目标项目", True, "支教",
               ("支教", "跟岗培训", "挂职干部", "结对学校", "资助学生")),
        Column("target", ("年度目标", "目标", "目标数", "目标值"), "年度目标", True, "100"),
        Column("unit", ("单位", "计量单位"), "单位", example="人次"),
        Column("year", ("年度", "年份"), "年度", example="2019"),
    ),
    signature=("目标项目", "年度目标", "目标数"),
    ignored=("序号", "备注", "说明"),
)

COLLAB_RECORD = Kind(
    "collab_record", "扶贫协作记录",
    (
        Column("happened_on", ("日期", "时间", "开展日期", "活动日期", "发生日期"), "日期", True, "2019-05-20"),
        Column("kind", ("类型", "协作类型", "项目类型", "事项"), "类型", True, "专家培训",
               ("支教", "挂职", "跟岗培训", "专家培训", "捐资助学", "援建项目", "捐物")),
        Column("partner", ("协作方", "帮扶单位", "援助单位", "捐赠方", "对口单位", "来源单位"), "协作方", True,
               "滨江区教育局"),
        Column("school", ("受援学校", "县内学校", "受益学校", "学校名称", "学校"), "受援学校", example="城关第一小学"),
        Column("people", ("人数", "派出人数", "参加人数"), "人数", example="5"),
        Column("person_times", ("人次", "受益人次", "培训人次", "惠及人次", "资助人次"), "人次", example="75"),
        # 万元 before 元: a header 金额（万元） without its note reads 金额, which would take it for 元.
        Column("amount_wan", ("金额(万元)", "资金(万元)", "援助资金(万元)", "捐赠金额(万元)"), "金额（万元）"),
        Column("amount", ("金额(元)", "金额", "资金(元)", "援助资金(元)", "捐赠金额(元)"), "金额（元）", example="67500"),
        Column("funding", ("资金来源",), "资金来源", example="社会捐款"),
        Column("scope", ("协作类别", "协作范围"), "协作类别", example="东西部协作", choices=("东西部协作", "省内协作")),
        Column("plan_project", ("计划项目", "对应计划", "计划"), "计划项目", example="学前教育培训"),
        Column("note", ("备注", "内容", "说明"), "备注"),
    ),
    signature=("协作方", "受援学校", "人次", "协作类型", "计划项目", "资金来源"),
    ignored=("序号",),
)

TASKS = Kind(
    "tasks", "工作任务清单",
    (
        Column("area", ("一级指标",), "一级指标", example="重点项目"),
        Column("item", ("二级指标",), "二级指标", example="1. 家庭经济困难学生资助"),
        Column("content", ("工作任务", "任务内容", "工作内容", "任务"), "工作任务", True,
               "设立特困学生救助基金，加大特困学生的救助力度。"),
        Column("lead_office", ("牵头股室", "责任股室", "牵头单位", "责任单位", "牵头科室", "牵头"), "牵头股室", True, "局扶贫办"),
        Column("supporting_offices", ("配合股室", "配合单位", "协办股室", "配合科室", "配合", "协办"), "配合股室", example="经费中心"),
        Column("deadline", ("完成时限", "完成时间", "时限", "截止时间", "截止日期"), "完成时限", example="2019-12-31"),
    ),
    signature=("牵头股室", "配合股室", "完成时限", "牵头单位", "配合单位"),
    ignored=("序号", "备注"),
)

SCHOOL_TASKS = Kind(
    "school_tasks", "学校工作任务清单",
    (
        Column("area", ("一级指标",), "一级指标", True, "组织保障"),
        Column("items", ("二级指标", "工作任务", "任务内容", "工作内容"), "二级指标（任务）", True,
               "1. 成立领导小组、工作专班。 2. 建立健全各种规章制度和工作规范。"),
        Column("deadline", ("完成时限", "完成时间", "时限", "截止时间", "截止日期"), "完成时限", example="2019-12-31"),
    ),
    ignored=("序号", "备注"),
)

KINDS.update({k.name: k for k in (COLLAB_PLAN, COLLAB_TARGETS, COLLAB_RECORD, TASKS, SCHOOL_TASKS)})
