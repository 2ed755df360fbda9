"""Audit records: who wrote children's full ID numbers out of the ledger, when, and where to."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel


class AuditRecord(SQLModel, table=True):
    __tablename__ = "audit_records"

    id: int | None = Field(default=None, primary_key=True)
    recorded_at: datetime = Field(index=True)  # UTC, like batches.imported_at
    os_user: str  # the operating-system account that ran the command
    command: str  # the command and its options, e.g. "fupin subsidy check --term 2019秋 --out 核对.xlsx"
    output: str  # the file written (absolute path), or 标准输出 for --json
    people: int  # how many people's full ID numbers the output holds
