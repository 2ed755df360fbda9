"""Column types and mixins shared by every table."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import BigInteger
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel


class Money(TypeDecorator):
    """Amounts in 元 as Decimal, stored as integer 分 so SQL sums stay exact (312.5 stays 312.5)."""

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        return to_fen(value)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return from_fen(value)


def to_fen(value: Decimal | int | str) -> int:
    amount = Decimal(value)
    fen = amount * 100
    if fen != fen.to_integral_value():
        raise ValueError(f"金额 {amount} 精确到分以下，无法记账")
    return int(fen)


def from_fen(fen: int) -> Decimal:
    # Division keeps the ideal exponent: 31250 -> 312.5, 31200 -> 312, never 312.50.
    return Decimal(int(fen)) / 100


class Provenance(SQLModel):
    """Where an imported row came from: its batch (file, sheet) and the row number as Excel shows it."""

    # Not indexed: provenance is read row by row, and every index costs a million-row import its share.
    batch_id: int | None = Field(default=None, foreign_key="batches.id")
    source_row: int | None = None
