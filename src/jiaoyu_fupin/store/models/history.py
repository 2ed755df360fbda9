"""Earlier versions of imported rows: what a row said before a later import changed it.

An import updates a changed row in place and stamps it with its own batch; the version it replaced is kept here
first, so a report for a past date (`--as-of`) can put back the row as it stood then.
"""

from __future__ import annotations

from sqlmodel import Field, SQLModel


class RowVersion(SQLModel, table=True):
    __tablename__ = "row_versions"

    id: int | None = Field(default=None, primary_key=True)
    table_name: str
    row_id: int
    batch_id: int | None = None  # the batch that wrote this version (None: written by a command, not an import)
    replaced_by_batch: int = Field(index=True)  # the import that changed the row
    data: str  # every column but id, as a JSON object of stored values (dates as text, money as integer 分)
