"""The words of the four 责任书, as the county's work plan (附件3 帮扶责任书) has them; {county} is the county's name."""

from __future__ import annotations

from dataclasses import dataclass, replace

PREAMBLE = ("根据《湖北省教育精准扶贫行动计划（2015-2019）》（鄂教财〔2015〕9号）文件要求，为切实履行发展教育脱贫一批工作"
            "主体责任，落实“包保责任”，做好发展教育脱贫一批相关工作，特制订“包保”责任书。")
PREAMBLE_STUDENT = ("根据《湖北省教育精准扶贫行动计划（2015-2019）》（鄂教财〔2015〕9号）文件要求，为切实履行发展教育脱贫一批工作"
                    "主体责任，确保建档立卡家庭学生“一生一责任人”，做好发展教育脱贫一批相关工作，特制订“包保”责任书。")
SIX_ONES = ("落实帮扶工作“六个一”：一学期制定一个帮扶规划、一学期进行一次家访、一学期为学生做一件实事、一个月实施一个具体"
            "帮扶措施、一个月开展一次帮扶活动、一学期进行一次总结，填写好结对帮扶手册，建立学生成长档案。")


@dataclass(frozen=True)
class Layer:
    title: str  # {school} is filled for the school layers
    requirement: str  # 一、总体要求
    object_label: str  # 二、联系对象 / 包保对象
    object_default: str  # the plan's own words for the object, kept after the names
    duties: tuple[str, ...]
    signatures: tuple[str, ...]  # signature and stamp lines; {county} and {name} are filled
    preamble: str = PREAMBLE


LEADER = Layer(
    "{county}教育局领导班子成员联系责任辖区 责任书",
    "落实“一校一对策”的帮扶机制，全面履行“包保”职责。",
    "联系对象", "县教育局文件明确的“包保”责任对象",
    ("指导责任辖区进行标准化建设，推进学校校舍、教育装备、图书、生活设施等达到国家办学条件基本要求。",
     "督办指导责任辖区加强信息化建设，提高教师运用信息技术进行教学的能力。",
     "检查指导责任辖区组织开展教师培训，推进教学方法改革，加强教育教学常规管理，提高教育教学质量。",
     "督办指导所包乡镇建好一所公办中心幼儿园，有条件的乡村学校建设附属幼儿园或单设幼儿班。",
     "督促责任辖区全面学习发展教育脱贫一批政策，指导责任辖区制定发展教育脱贫一批工作方案，落实“一校一对策、一生一责任人”帮扶机制。",
     "指导做好控辍保学工作，确保学龄人口全部入学。"),
    ("局长（签字）：", "{county}教育局（盖章）", "局领导班子成员（签字）：                （{name}）"),
)
OFFICE = Layer(
    "{county}教育局股室及二级单位负责人联系学校 责任书",
    "落实“一校一对策，一生一责任人”的帮扶机制，全面履行“包保”职责。",
    "联系对象", "县教育局文件明确的“包保”责任对象",
    ("指导学校进行标准化建设，推进学校校舍、教育装备、图书、生活设施等达到国家办学条件基本要求。",
     "督办指导学校加强信息化建设，提高教师运用信息技术进行教学的能力。",
     "检查指导学校组织开展教师培训，推进教学方法改革，加强教育教学常规管理，提高教育教学质量。",
     "督促学校组织师生全面学习发展教育脱贫一批政策，指导学校制定发展教育脱贫一批工作方案，落实“一校一对策、一生一责任人”帮扶机制。",
     "指导学校教师" + SIX_ONES,
     "指导做好控辍保学工作，确保学龄人口全部入学。"),
    ("局长（签字）：", "{county}教育局（盖章）", "局机关股室及二级单位负责人（签字）：                （{name}）"),
)
SCHOOL_LEADER = Layer(
    "{county}{school}领导班子成员帮扶班级 责任书",
    "落实“一校一对策，一生一责任人”的帮扶机制，全面履行“包保”职责。",
    "包保对象", "学校分解的帮扶班级",
    ("检查指导对口帮扶的班级教师落实德育、教学常规工作。",
     "指导对口帮扶的班级教师采取有效措施提高教育教学质量。",
     "指导检查班级教师结对帮扶学生，" + SIX_ONES,
     "负责所帮扶班级的控辍保学工作。"),
    ("校长（签字）：", "单位（盖章）：", "学校领导班子成员（签字）：                （{name}）"),
)
STUDENT_DUTIES = (
    "积极宣传各项教育惠民政策和各级脱贫优惠政策，协助学校落实各项资助政策，向学生家长提供致富信息。",
    "全面掌握帮扶学生的信息，" + SIX_ONES,
    "指导学生积极参加体育锻炼，发展各项特长，培养高雅情趣。",
    "组织学生参加留守儿童关爱中心开展的活动，参与各种校外社会活动。",
    "负责帮扶对象的控辍保学工作。")
TEACHER = Layer(
    "{county}{school}教师帮扶学生 责任书",
    "落实“一生一责任人”的帮扶机制，全面履行“包保”职责。",
    "包保对象", "学校分解的“包保”责任对象", STUDENT_DUTIES,
    ("校长（签字）：", "学校（盖章）：", "学校教师（签字）：                （{name}）"),
    PREAMBLE_STUDENT,
)
# A helper who is not a teacher of the child's school (the plan: 全县所有教师都参与帮扶工作, bureau staff too): the
# plan has no letter of its own for them, so the teacher's letter is signed by whoever answers for the helper.
BUREAU_HELPER = replace(
    TEACHER, title="{county}教育局帮扶责任人帮扶学生 责任书", object_default="县教育局分解的“包保”责任对象",
    signatures=("局长（签字）：", "{county}教育局（盖章）", "帮扶责任人（签字）：                （{name}）"))
OUTSIDE_HELPER = replace(
    TEACHER, title="{county}{school}帮扶责任人帮扶学生 责任书",
    signatures=("校长（签字）：", "学校（盖章）：", "帮扶责任人（签字）：                （{name}）"))
