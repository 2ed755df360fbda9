"""Children from the household registry (户籍): the denominators of the enrollment rates."""

from __future__ import annotations

from datetime import date

from sqlmodel import Field

from jiaoyu_fupin.store.models.base import Provenance


class PopulationChild(Provenance, table=True):
    __tablename__ = "population"

    id: int | None = Field(default=None, primary_key=True)
    id_number: str = Field(unique=True)
    name: str
    sex: str | None = None
    birth_date: date
    township: str | None = Field(default=None, index=True)
    village: str | None = None
