"""Schools and kindergartens of the county (and, for students studying away, schools outside it)."""

from __future__ import annotations

from sqlmodel import Field

from jiaoyu_fupin.store.models.base import Provenance


class School(Provenance, table=True):
    __tablename__ = "schools"

    id: int | None = Field(default=None, primary_key=True)
    school_code: str | None = Field(default=None, unique=True)  # 学校标识码, 10 digits
    name: str = Field(unique=True)
    school_type: str | None = None  # 小学 / 初中 / 教学点 / 幼儿园 / 普通高中 / 中职 / 特殊教育 / 九年一贯制 ...
    township: str | None = Field(default=None, index=True)
    ownership: str | None = None  # 公办 / 民办
