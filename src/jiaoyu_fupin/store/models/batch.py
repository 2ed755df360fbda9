"""Import batches: one imported sheet of one file."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import Column
from sqlmodel import Field, SQLModel

from jiaoyu_fupin.store.models.base import Money


class Batch(SQLModel, table=True):
    __tablename__ = "batches"

    id: int | None = Field(default=None, primary_key=True)
    file_name: str
    sha256: str = Field(index=True)
    kind: str
    sheet: str | None = None
    term: str | None = None
    imported_at: datetime = Field(index=True)
    # When the file's data was true (fupin import --dated), UTC like imported_at; reports as of a time cut on it,
    # so a county back-filling September in December gets September's reports. Without --dated: imported_at.
    effective_at: datetime | None = Field(default=None, index=True)
    rows: int = 0
    new_rows: int = 0
    changed_rows: int = 0
    unchanged_rows: int = 0
    # What the batch wrote, recorded when it was written, for `fupin db verify`: the rows stamped with this batch
    # (in the tables and in row_versions once a later import replaced them) and the payments' total.
    written_rows: int | None = None
    written_amount: Decimal | None = Field(default=None, sa_column=Column(Money, nullable=True))
    replaces: int | None = None  # the batch this one corrects (fupin import --replaces N)
    reverted_by: int | None = None  # the batch that took this one out of the ledger (a revert, or a correction's)
    note: str | None = None  # what a revert batch did, in Chinese, for the batch list
