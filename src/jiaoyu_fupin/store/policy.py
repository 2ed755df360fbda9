"""The policy as the ledger holds it: programs and standards installed from a policy file, and the ceilings an
import applies."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import Connection, delete, insert, select, update

from jiaoyu_fupin.core.policy import CEILING_TIMES, PAYMENT_LIMIT, Policy
from jiaoyu_fupin.store.models import Program, Standard


def amount_ceilings(conn: Connection, policy: Policy | None = None) -> dict[int, Decimal]:
    """Program id -> the largest single payment an import accepts, in 元 (see CEILING_TIMES)."""
    times = policy.ceiling_times if policy else CEILING_TIMES
    configured = policy.ceilings if policy else {}
    top: dict[int, Decimal] = {}
    for program_id, amount in conn.execute(select(Standard.program_id, Standard.amount)):
        top[program_id] = max(top.get(program_id, amount), amount)
    ceilings = {}
    for program_id, code in conn.execute(select(Program.id, Program.code)):
        ceiling = configured.get(code) or (top[program_id] * times if program_id in top else PAYMENT_LIMIT)
        ceilings[program_id] = min(ceiling, PAYMENT_LIMIT)
    return ceilings


def installed(conn: Connection) -> tuple[list[dict], list[dict]]:
    """The programs and standards the ledger holds, in the shape load_policy returns, for comparison."""
    programs = [dict(r._mapping) for r in conn.execute(
        select(Program.code, Program.name, Program.aliases, Program.per, Program.shared_names).order_by(Program.id))]
    code = dict(conn.execute(select(Program.id, Program.code)).all())
    standards = []
    for r in conn.execute(select(Standard).order_by(Standard.id)).mappings():
        row = {k: r[k] for k in ("stage", "categories", "boarding", "grades", "place", "term_from", "term_to",
                                 "amount", "source", "school")}
        row["boarding"] = None if row["boarding"] is None else bool(row["boarding"])
        standards.append({"program": code[r["program_id"]], **row})
    return programs, standards


def apply_policy(conn: Connection, policy: Policy) -> bool:
    """Install `policy` unless the ledger already holds exactly it; True when the ledger changed."""
    programs, standards = installed(conn)
    have = {p["code"]: p for p in programs}
    same_programs = all(have.get(p["code"]) == p for p in policy.programs)
    if same_programs and standards == policy.standards:
        return False
    install_policy(conn, policy)
    return True


def install_policy(conn: Connection, policy: Policy) -> None:
    """Upsert programs by code (ids stay stable for the payments that point at them); replace all standards."""
    existing = dict(conn.execute(select(Program.code, Program.id)).all())
    for program in policy.programs:
        if program["code"] in existing:
            conn.execute(update(Program).where(Program.id == existing[program["code"]]).values(**program))
        else:
            existing[program["code"]] = conn.execute(insert(Program).values(**program)).inserted_primary_key[0]
    conn.execute(delete(Standard))
    for standard in policy.standards:
        values = dict(standard)
        values["program_id"] = existing[values.pop("program")]
        conn.execute(insert(Standard).values(**values))
