"""Ordered data steps, recorded in `data_steps` with what each installed; opening a ledger applies what is pending.

Migrations (migrations.py) only change the schema. What a ledger must hold besides its schema, the default programs
and standards of a new ledger, is installed here, after the migrations, in the same transaction, and recorded with
the version installed, so a ledger can say which policy it started from. A ledger made before this step existed
(its programs installed by m002_default_policy, or a county's own through --policy) keeps what it holds: the step
records the version it found.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import Connection, func, insert, select

from jiaoyu_fupin.core.policy import Policy, fingerprint, load_policy
from jiaoyu_fupin.store.models import DataStep, Program
from jiaoyu_fupin.store.policy import install_policy, installed

KEPT = "kept "  # the start of the version recorded when the step found data and left it alone


def d001_default_policy(conn: Connection) -> str:
    """The default programs and standards, into a ledger that has no programs yet."""
    if conn.execute(select(func.count()).select_from(Program)).scalar_one():
        programs, standards = installed(conn)
        return KEPT + fingerprint(Policy(source="ledger", programs=programs, standards=standards))
    policy = load_policy()
    install_policy(conn, policy)
    return fingerprint(policy)


DATA_STEPS: list[Callable[[Connection], str]] = [d001_default_policy]
# What each step installs, as `fupin init` reports it.
TITLES = {"d001_default_policy": "默认资助项目和标准"}


def recorded(conn: Connection) -> dict[str, str]:
    """Step name -> the version it recorded; empty for a ledger whose schema has no data_steps yet."""
    if not conn.dialect.has_table(conn, DataStep.__tablename__):
        return {}
    return dict(conn.execute(select(DataStep.name, DataStep.version)).all())


def pending(conn: Connection) -> bool:
    """Whether a step is still to apply, found by reading only. Without the table (an older schema) the pending
    migration m012_data_steps opens the way, and the steps run after it."""
    if not conn.dialect.has_table(conn, DataStep.__tablename__):
        return False
    done = recorded(conn)
    return any(step.__name__ not in done for step in DATA_STEPS)


def apply(conn: Connection) -> list[tuple[str, str]]:
    """Apply pending steps in order (after the migrations); return (name, version) of those applied now."""
    if not conn.dialect.has_table(conn, DataStep.__tablename__):
        return []
    done = recorded(conn)
    ran = []
    for step in DATA_STEPS:
        if step.__name__ in done:
            continue
        version = step(conn)
        conn.execute(insert(DataStep).values(name=step.__name__, version=version, applied_at=datetime.now(UTC)))
        ran.append((step.__name__, version))
    return ran
