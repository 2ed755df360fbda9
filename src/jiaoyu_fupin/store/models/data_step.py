"""The data steps applied to the ledger (store/data_steps.py), each with what it installed."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel


class DataStep(SQLModel, table=True):
    __tablename__ = "data_steps"

    id: int | None = Field(default=None, primary_key=True)  # like every table: the as-of copy and tests rely on it
    name: str = Field(unique=True)
    version: str  # what the step installed, e.g. the default policy's version; or what it found and kept
    applied_at: datetime  # UTC, like batches.imported_at
