"""Which part of the county a check covers: the whole county, one township, or one school."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Connection, text

from jiaoyu_fupin.core.names import close_names
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

    def validate(self, conn: Connection) -> None:
        """ScopeError (misuse) for a school or township the ledger does not know, naming the closest ones, and for
        both given at once. Every check given a scope calls this first: an unknown school is not an empty report."""
        if self.school and self.township:
            raise ScopeError("--school 和 --township 只能用一个")
        if self.school:
            names = [r[0] for r in conn.execute(text("SELECT name FROM schools"))]
            if self.school not in names:
                raise ScopeError(_unknown("学校", self.school, names), "学校名称须与学校名单中的写法完全一致")
        if self.township:
            names = [r[0] for r in conn.execute(text("SELECT DISTINCT township FROM schools WHERE township IS NOT NULL"))]
            if self.township not in names:
                raise ScopeError(_unknown("乡镇", self.township, names), "乡镇名称须与学校名单中的写法完全一致")

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




def _unknown(what: str, given: str, names: list[str]) -> str:
    close = close_names(given, names)
    hint = f"；相近的有：{'、'.join(close)}" if close else ""
    return f"台账中没有{what}“{given}”{hint}"
