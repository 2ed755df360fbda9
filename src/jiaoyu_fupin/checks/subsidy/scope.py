"""Which part of the county a check covers: the whole county, one township, or one school."""

from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd
from sqlalchemy import Connection, text

from jiaoyu_fupin.core.names import resolve_school, resolve_township
from jiaoyu_fupin.core.problems import ClerkError


class ScopeError(ClerkError):
    """A school or township the ledger does not know; the message suggests the closest names."""


@dataclass(frozen=True)
class Scope:
    school: str | None = None
    township: str | None = None

    @classmethod
    def county(cls) -> Scope:
        return cls()

    @property
    def label(self) -> str:
        return self.school or self.township or "全县"

    @property
    def includes_away(self) -> bool:
        """Students studying outside the county belong to no county school: only county and township scopes list them."""
        return self.school is None

    def resolve(self, conn: Connection) -> Scope:
        """The scope with the ledger's own spelling of its school or township (城关 第一小学 → 城关第一小学);
        ScopeError, with the closest names, for one the ledger does not know: an empty report would read as
        "no problems there". Both a school and a township is a misuse too."""
        if self.school and self.township:
            raise ScopeError("--school 和 --township 只能用一个")
        if self.school:
            names = [r[0] for r in conn.execute(text("SELECT name FROM schools"))]
            return replace(self, school=resolve_school(self.school, names, ScopeError))
        if self.township:
            names = [r[0] for r in conn.execute(text("SELECT DISTINCT township FROM schools WHERE township IS NOT NULL"))]
            return replace(self, township=resolve_township(self.township, names, ScopeError))
        return self

    def school_ids(self, conn: Connection) -> set[int]:
        if self.school:
            sql, params = "SELECT id FROM schools WHERE name = :v", {"v": self.school}
        elif self.township:
            sql, params = "SELECT id FROM schools WHERE township = :v", {"v": self.township}
        else:
            sql, params = "SELECT id FROM schools", {}
        return {r[0] for r in conn.execute(text(sql), params)}

    def school_names(self, conn: Connection) -> set[str]:
        ids = self.school_ids(conn)
        return {name for i, name in conn.execute(text("SELECT id, name FROM schools")) if i in ids}

    def restrict(self, conn: Connection, payments: pd.DataFrame, *frames: pd.DataFrame) -> list[pd.DataFrame]:
        """Payments by the student's school this term (else the school the roster names); the rest by school."""
        if self.school is None and self.township is None:
            return [payments, *frames]
        ids, names = self.school_ids(conn), self.school_names(conn)
        # school_id -1: the ledger places the student in no school this term.
        own = payments["school_id"].isin(ids) | ((payments["school_id"] < 0) & payments["school_name"].isin(names))
        return [payments[own], *(frame[frame["school_id"].isin(ids)] for frame in frames)]

