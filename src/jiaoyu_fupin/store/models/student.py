"""Registered poor households, the poverty registry's people, students and their per-term enrollment."""

from __future__ import annotations

from datetime import date

from sqlalchemy import UniqueConstraint
from sqlmodel import Field

from jiaoyu_fupin.store.models.base import Provenance


class Household(Provenance, table=True):
    __tablename__ = "households"

    id: int | None = Field(default=None, primary_key=True)
    household_code: str = Field(unique=True)  # 户编号
    county: str | None = None
    township: str | None = Field(default=None, index=True)
    village: str | None = None
    poverty_attribute: str | None = None  # 贫困户属性: 一般贫困户 / 扶贫低保户 / 纯低保户 / 五保户
    poverty_status: str | None = None  # 脱贫属性


class RegistryPerson(Provenance, table=True):
    """One person of the national poverty registry export (adults too: the export lists whole households)."""

    __tablename__ = "registry_people"

    id: int | None = Field(default=None, primary_key=True)
    id_number: str = Field(unique=True)
    name: str
    household_code: str = Field(index=True)
    person_code: str | None = None  # 人编号 / 人口编号
    relation: str | None = None  # 与户主关系
    school_status: str | None = None  # 在校生状况
    not_in_school_reason: str | None = None  # 义务教育阶段未上学原因
    township: str | None = None
    village: str | None = None


class Student(Provenance, table=True):
    __tablename__ = "students"

    id: int | None = Field(default=None, primary_key=True)
    id_number: str = Field(unique=True)
    name: str
    sex: str | None = None
    birth_date: date | None = None
    student_number: str | None = None  # 全国学籍号
    family_category: str | None = None  # GLOSSARY 家庭经济困难类别 code, e.g. registered_poor
    household_id: int | None = Field(default=None, foreign_key="households.id", index=True)
    disability: str | None = None  # 残疾类型
    is_orphan: bool | None = None
    # What the roll itself says (是否建档立卡贫困户, 贫困户属性): True, False, or None where it says nothing.
    # Who counts as registered poor is decided in one place: poverty.REGISTERED_SQL.
    roll_registered: bool | None = None


STATUSES = ("在校", "辍学", "休学", "转出", "毕业")
STUDY_PLACES = ("县内", "县外州内", "州外")


class Enrollment(Provenance, table=True):
    """A student's enrollment in one term: one row per student and term."""

    __tablename__ = "enrollments"
    __table_args__ = (UniqueConstraint("student_id", "term"),)

    id: int | None = Field(default=None, primary_key=True)
    student_id: int = Field(foreign_key="students.id")  # indexed by the (student_id, term) constraint
    term: str = Field(index=True)  # "2019秋": text order equals term order (春 < 秋)
    school_id: int | None = Field(default=None, foreign_key="schools.id", index=True)
    school_name: str | None = None  # as written; the only school reference for students studying away
    stage: str | None = None  # 学前 / 小学 / 初中 / 普通高中 / 中职 / 高职 / 本科 / 特殊教育
    grade: int | None = None  # grade within the stage: 七年级 is 初中 1
    class_name: str | None = None
    boarding: bool | None = None
    status: str = "在校"
    study_place: str = "县内"
    place_detail: str | None = None  # province / city where a student studies away
    province_scope: str | None = None  # 省内 / 省外 for a student studying away: decides 大学新生路费
