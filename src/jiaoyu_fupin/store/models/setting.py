"""The ledger's own settings (`fupin config`): the reporting unit and the names a report sent upward carries."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel


class Setting(SQLModel, table=True):
    __tablename__ = "settings"

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True)
    value: str
    updated_at: datetime
