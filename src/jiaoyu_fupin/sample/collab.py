"""The sample county's collaboration files and task lists, shaped on a real county's 2019 plan and year-end summary.

The year's east–west records add up to what that summary reports: 10 teachers teaching or seconded, 35 experts who
ran 7 classes in 5 sessions for 520 teachers, 160 staff shadow-trained in 6 batches, 6.75 万元 to 110 student-times,
527 万元 (307 万元 donated) in 14 projects for 11 schools. The partner and the schools are the sample's own.
"""

from __future__ import annotations

from pathlib import Path

from jiaoyu_fupin.sample.facts import COUNTY
from jiaoyu_fupin.sample.model import County
from jiaoyu_fupin.sample.xlsx import Sheet, write_workbook

PARTNER = "杭州市滨江区"
SHADOW = (  # 序号, 对象, 时间, 人数, 责任股室 (附件1 of the plan)
    (1, "幼儿园园长", "3 月", "25", "人事股、教育股"), (2, "学校管理干部", "4 月", "25", "人事股"),
    (3, "教研员、数学教师", "5 月", "30", "人事股、教研室"), (4, "后勤、基建干部", "10 月", "20", "人事股、项目办、后勤办"),
    (5, "教研员、英语教师", "11 月", "30", "人事股、教研室"), (6, "信息技术、心理健康教师", "12 月", "20", "人事股、教育股、电教站"),
)
EXPERTS = (  # 项目名称, 责任股室, 专家, 时间, 人数, 备注 (附件2)
    ("学前教育培训", "教育股、人事股、教研室", "幼儿园骨干教师", "5 月", "3-5", "本县确定 30 名幼儿园教师参训"),
    ("初中英语学科培训", "人事股、教研室", "初中英语骨干教师", "6 月下旬或 7 月上旬", "3-5", "本县确定 30 名初中英语教师参训"),
    ("初中数学学科培训", "人事股、教研室", "初中数学骨干教师", "6 月下旬或 7 月上旬", "3-5", "本县确定 30 名初中数学教师参训"),
    ("小学音乐学科培训", "人事股、教研室", "小学音乐骨干教师", "8 月下旬", "3-5", "本县确定 30 名小学音乐教师参训"),
    ("小学美术学科培训", "人事股、教研室", "小学美术骨干教师", "8 月下旬", "3-5", "本县确定 30 名小学美术教师参训"),
)
SHADOW_HEADERS = ("序号", "对象", "时间", "人数", "责任股室")
EXPERT_HEADERS = ("项目名称", "责任股室", "滨江来建始专家", "时间", "人数", "备注")
SCHOOL_TASK_HEADERS = ("一级指标", "二级指标")
TARGET_HEADERS = ("目标项目", "年度目标", "单位")
TARGETS = (("支教", 100, "人次"), ("跟岗培训", 150, "人"), ("挂职干部", 6, "人"), ("结对学校", 28, "所"),
           ("资助学生", 100, "人次"))
RECORD_HEADERS = ("日期", "类型", "协作类别", "协作方", "受援学校", "人数", "人次", "金额（元）", "资金来源", "计划项目", "备注")
# Seven classes of the five expert trainings: (date, plan project, experts, teachers trained).
CLASSES = (("2019-05-16", "学前教育培训", 5, 75), ("2019-05-17", "学前教育培训", 5, 70),
           ("2019-06-27", "初中英语学科培训", 5, 80), ("2019-07-04", "初中数学学科培训", 5, 70),
           ("2019-07-05", "初中数学学科培训", 5, 75), ("2019-08-22", "小学音乐学科培训", 5, 65),
           ("2019-08-23", "小学美术学科培训", 5, 85))
BATCHES = (("2019-03-18", 25), ("2019-04-15", 25), ("2019-05-20", 30), ("2019-10-14", 25), ("2019-11-11", 30),
           ("2019-12-09", 25))
# 14 projects, 527 万元: eight donated (307 万元), six from the partner's budget (220 万元).
PROJECTS = ((600000, "社会捐款"), (500000, "社会捐款"), (450000, "社会捐款"), (400000, "社会捐款"), (350000, "社会捐款"),
            (300000, "社会捐款"), (270000, "社会捐款"), (200000, "社会捐款"), (600000, "财政援助"), (450000, "财政援助"),
            (400000, "财政援助"), (300000, "财政援助"), (250000, "财政援助"), (200000, "财政援助"))


def _schools(county: County) -> list[str]:
    """Sixteen schools the help went to: village primary and junior schools first, in the school list's order. A
    county sampled too small to have sixteen gets 希望小学 names (kept as written, on no school list) for the rest,
    so the year's figures are the same at every scale."""
    village = [s.name for s in county.schools if s.type in ("小学", "初中") and s.township != "城关镇"]
    other = [s.name for s in county.schools if s.type in ("小学", "初中", "教学点") and s.name not in village]
    spare = [f"{COUNTY}希望小学{i}" for i in range(1, 17)]
    return list(dict.fromkeys([*village, *other, *spare]))[:16]


def records(county: County) -> list[list]:
    names = _schools(county)
    bureau = f"{PARTNER}教育局"
    rows: list[list] = [
        ["2019-03-04", "挂职", "东西部协作", bureau, None, 6, None, None, None, None, "干部挂职一个月以上"],
        ["2019-03-11", "支教", "东西部协作", f"{PARTNER}结对学校", names[0], 2, None, None, None, None, "骨干教师支教一学期"],
        ["2019-09-02", "支教", "东西部协作", f"{PARTNER}结对学校", names[1], 2, None, None, None, None, "骨干教师支教一学期"],
    ]
    rows += [[d, "专家培训", "东西部协作", bureau, None, experts, trained, None, None, plan, None]
             for d, plan, experts, trained in CLASSES]
    rows += [[d, "跟岗培训", "东西部协作", bureau, None, n, None, None, None, None, f"第{i}期赴{PARTNER}跟岗培训"]
             for i, (d, n) in enumerate(BATCHES, 1)]
    rows += [["2019-06-01", "捐资助学", "东西部协作", f"{PARTNER}总工会", None, None, 50, 30000, "社会捐款", None, "春风助学"],
             ["2019-09-10", "捐资助学", "东西部协作", f"{PARTNER}委统战部", None, None, 35, 22500, "社会捐款", None, "同心助学"],
             ["2019-12-20", "捐资助学", "东西部协作", f"{PARTNER}慈善总会", None, None, 25, 15000, "社会捐款", None, "爱心助学"]]
    school_of = [names[2 + i % 11] for i in range(14)]
    rows += [[f"2019-{4 + i // 2:02d}-{10 + i % 2 * 10:02d}", "援建项目", "东西部协作", bureau, school_of[i], None, None,
              amount, source, None, "改善办学条件"] for i, (amount, source) in enumerate(PROJECTS)]
    province = [
        ["2019-05-08", "援建项目", "省内协作", "省邮电科学研究院", names[13], None, None, 350000, "单位援助", None, None],
        ["2019-09-03", "支教", "省内协作", "省农业大学", names[14], 10, None, None, None, None, "研究生"],
        ["2019-11-15", "捐资助学", "省内协作", "省农业大学", names[14], None, 20, 17600, "单位援助", None, "奖学金"],
        ["2019-11-15", "捐资助学", "省内协作", "省农业大学", names[14], None, 30, 16200, "单位援助", None, "助学金"],
        ["2019-10-21", "援建项目", "省内协作", "省财经大学", names[15], None, None, 100000, "单位援助", None, None],
        ["2019-10-21", "捐物", "省内协作", "省财经大学", None, None, None, 200000, "单位援助", None, "电脑45台、投影机5台"],
    ]
    return rows + province


# A part of the bureau's task list as the county writes it (附件1): each 一级指标 and 二级指标 written once, on the
# first of its tasks, the cells below left empty as a merged cell reads.
TASK_HEADERS = ("一级指标", "二级指标", "工作任务", "牵头股室", "配合股室", "完成时限")
TASKS = (
    ("重点项目", "1. 家庭经济困难学生资助", "建档立卡贫困家庭学龄孩子在优先享受现行资助政策的基础上，予以最大限度的资助。",
     "资助中心", "经费中心", "2020年12月31日"),
    (None, None, "设立特困学生救助基金，采取优惠政策叠加的方式，加大特困学生的救助力度。", "局扶贫办", "经费中心", "2019年12月31日"),
    (None, "2. 特殊群体全面关爱", "每个乡镇至少建成1个留守儿童关爱中心，开设亲情电话，聘请“代理（爱心）妈妈”。", "教育股", None,
     "2019年12月31日"),
    (None, None, "落实随迁子女异地升学考试政策，享受当地户籍考生同等待遇。", "招办", "教育股", "2019年12月31日"),
    (None, "3. 贫困地区薄弱学校改造", "实现全县所有学校校舍、教育装备、图书、生活设施等达到国家办学条件基本要求。", "项目办",
     "电教站、后勤办", "2019年12月31日"),
    (None, "4. 贫困地区农村教师素质提升", "“国培”“省培”项目重点向农村倾斜，实现乡村教师（校长）培训全覆盖。", "人事股", None,
     "2020年12月31日"),
    ("改革举措", "1. 推进教育经费保障机制改革", "强化县级统筹功能，坚持以县为主统筹使用教育扶贫资金。", "经费中心", None, "2019年12月31日"),
    (None, "2. 推进扶贫机制改革", "统筹安排城区义务教育学校对口帮扶农村薄弱义务教育学校。", "人事股", "教育股、教研室、电教站",
     "2019年12月31日"),
    ("组织领导", "1. 强化包保责任", "县级教育局领导班子成员对口帮扶乡镇、学校负责人对口帮扶班级、班级科任老师对口帮扶学生，"
     "确保每个贫困家庭学生有帮扶责任人。", "教育股", None, "2019年12月31日"),
    (None, "2. 强化挂图作战", "绘制教育精准扶贫的任务书和作战图，按时间节点扎实推进，实行动态销号。", "教育股", None, "2019年6月30日"),
    (None, "3. 强化县抓落实", "建立健全教育精准扶贫规章制度和工作规范。", "局扶贫办", None, None),
    (None, "4. 强化监督检查", "每年对所有学校、所有项目资金进行全方位的检查，建立检查报告制度。", "监察室", None, "2019年12月31日"),
)
SCHOOL_TASKS = (
    ("组织保障", "1. 成立领导小组、工作专班。 2. 落实“一校一对策”，制定切实可行的工作方案。 3. 建立健全包保责任体系，分层订立责任书。"),
    ("控辍保学", "1. 义务教育入学率 100%，义务教育巩固率达到 96%以上。"),
    ("学生资助", "1. 进一步精准建档立卡贫困学生数据信息，并公示公告。 2. 全面落实扶贫助学政策，确保资金到位、精准资助到位，"
     "实现就读建档立卡贫困学生资助全覆盖无遗漏。 3. 建立专档专柜。"),
    ("全面关爱", "1. 关爱建档立卡贫困家庭学生，做到所有教师都参与帮扶工作，所有建档立卡贫困家庭学生都有帮扶责任人。"),
    ("档案建设", "按照县教育局档案资料管理的通知，做好档案资料整理。"),
)


def write(county: County, out: Path) -> list:
    from jiaoyu_fupin.sample.writers import Written

    # The plan's two tables, each as the bureau keeps it in a workbook of its own.
    shadow, experts = out / "扶贫协作计划_2019_跟岗培训.xlsx", out / "扶贫协作计划_2019_专家培训.xlsx"
    write_workbook(shadow, [Sheet("附件1", SHADOW_HEADERS, [list(r) for r in SHADOW],
                                  banner=(f"2019 年{COUNTY}教师到{PARTNER}学校跟岗培训计划安排表",))])
    write_workbook(experts, [Sheet("附件2", EXPERT_HEADERS, [list(r) for r in EXPERTS],
                                   banner=(f"2019 年{PARTNER}专家到{COUNTY}学校指导培训计划表",))])
    targets = out / "扶贫协作目标_2019.xlsx"
    write_workbook(targets, [Sheet("年度目标", TARGET_HEADERS, [list(t) for t in TARGETS],
                                   banner=(f"{COUNTY}2019年东西部教育扶贫协作目标",))])
    recs = records(county)
    done = out / "扶贫协作记录_2019.xlsx"
    write_workbook(done, [Sheet("协作记录", RECORD_HEADERS, recs, banner=(f"{COUNTY}2019年教育扶贫协作工作台账",))])
    tasks = out / "任务清单_2019.xlsx"
    write_workbook(tasks, [Sheet("附件1", TASK_HEADERS, [list(t) for t in TASKS],
                                 banner=(f"{COUNTY}教育局落实教育精准扶贫行动计划工作任务清单",))])
    school_tasks = out / "学校任务清单_2019.xlsx"
    write_workbook(school_tasks, [Sheet("附件2", SCHOOL_TASK_HEADERS, [list(t) for t in SCHOOL_TASKS],
                                        banner=(f"{COUNTY}各学校落实教育精准扶贫行动计划工作任务清单",))])
    return [Written(shadow, "collab_plan", len(SHADOW), "附件1", 2),
            Written(experts, "collab_plan", len(EXPERTS), "附件2", 2),
            Written(targets, "collab_targets", len(TARGETS), "年度目标", 2),
            Written(done, "collab_record", len(recs), "协作记录", 2),
            Written(tasks, "tasks", len(TASKS), "附件1", 2),
            Written(school_tasks, "school_tasks", len(SCHOOL_TASKS), "附件2", 2)]
