"""Ordered schema steps, recorded in `schema_migrations`; opening a ledger applies what is pending.

A new file and an old one go through the same path. Steps after m001 must tolerate a database created from the
current models (check before altering), because m001 creates tables from them. A step changes the schema only (and
fills a column it adds); data a ledger must hold is installed by a data step (data_steps.py), run after these.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import Column, Connection, DateTime, MetaData, String, Table, inspect, select, text
from sqlmodel import SQLModel

import jiaoyu_fupin.store.models  # noqa: F401  (registers the tables)
from jiaoyu_fupin.core.policy import load_policy

_meta = MetaData()
schema_migrations = Table(
    "schema_migrations",
    _meta,
    Column("name", String, primary_key=True),
    Column("applied_at", DateTime, nullable=False),
)

M001_TABLES = [
    "batches", "schools", "households", "registry_people", "students", "enrollments", "programs", "standards",
    "payments", "helpers", "pairings", "population", "dropout_cases", "dropout_visits",
]


def _create(conn: Connection, *names: str) -> None:
    """Create the named tables from the current models; checkfirst keeps a step idempotent."""
    SQLModel.metadata.create_all(conn, tables=[SQLModel.metadata.tables[name] for name in names])


def m001_initial(conn: Connection) -> None:
    _create(conn, *M001_TABLES)


def m002_default_policy(conn: Connection) -> None:
    """Installed the default policy once; now data_steps.d001_default_policy does, recording the version. Kept so
    that a ledger which records this step is not taken for one made by a newer fupin."""


def m003_pairing_records(conn: Connection) -> None:
    """The 六个一 records (help_activities) and the oversight chain (oversight)."""
    _create(conn, "help_activities", "oversight")


def m004_dropout_rates(conn: Connection) -> None:
    """Dropout case history, the aggregated population table and the annual school statistics."""
    _create(conn, "dropout_events", "population_counts", "school_stats")


def m005_row_versions(conn: Connection) -> None:
    """The versions imports replace (row_versions), so reports can be made as of a past date."""
    _create(conn, "row_versions")


def m006_province_scope(conn: Connection) -> None:
    """enrollments.province_scope: 省内/省外 of a student studying away, kept apart from 就读地区 (the city the letter
    goes to), which alone was kept when a list gave both. Lists that gave only 省内/省外 had it in place_detail."""
    if "province_scope" not in {c["name"] for c in inspect(conn).get_columns("enrollments")}:
        conn.exec_driver_sql("ALTER TABLE enrollments ADD COLUMN province_scope VARCHAR")
    conn.exec_driver_sql("UPDATE enrollments SET province_scope = place_detail WHERE place_detail IN ('省内', '省外')"
                         " AND province_scope IS NULL")


def m007_corrections(conn: Connection) -> None:
    """programs.shared_names (国家助学金 for 普通高中 or 中职, decided by the roll), standards.school (a school's own
    tuition), students.roll_registered (the roll's 是否建档立卡贫困户), batches.replaces / reverted_by (a corrected
    roster, an undone import). shared_names is filled from the default policy for the programs it defines."""
    _add_columns(conn, "programs", {"shared_names": "VARCHAR NOT NULL DEFAULT ''"})
    _add_columns(conn, "standards", {"school": "VARCHAR"})
    _add_columns(conn, "students", {"roll_registered": "BOOLEAN"})
    _add_columns(conn, "batches", {"replaces": "INTEGER", "reverted_by": "INTEGER", "note": "VARCHAR"})
    for program in load_policy().programs:
        conn.execute(text("UPDATE programs SET shared_names = :names WHERE code = :code AND shared_names = ''"),
                     {"names": program["shared_names"], "code": program["code"]})


def _add_columns(conn: Connection, table: str, columns: dict[str, str]) -> None:
    """ALTER TABLE … ADD COLUMN for the columns a table lacks (a ledger created from the current models has them)."""
    have = {c["name"] for c in inspect(conn).get_columns(table)}
    for name, sql_type in columns.items():
        if name not in have:
            conn.exec_driver_sql(f"ALTER TABLE {table} ADD COLUMN {name} {sql_type}")


def m010_effective_time(conn: Connection) -> None:
    """batches.effective_at: when a batch's data was true (import --dated), which as-of reports cut on; the batches
    imported before it were true when imported."""
    if "effective_at" not in {c["name"] for c in inspect(conn).get_columns("batches")}:
        kind = DateTime().compile(dialect=conn.dialect)
        conn.exec_driver_sql(f"ALTER TABLE batches ADD COLUMN effective_at {kind}")
    conn.exec_driver_sql("UPDATE batches SET effective_at = imported_at WHERE effective_at IS NULL")
    if "ix_batches_effective_at" not in {i["name"] for i in inspect(conn).get_indexes("batches")}:
        conn.exec_driver_sql("CREATE INDEX ix_batches_effective_at ON batches (effective_at)")


def m009_settings(conn: Connection) -> None:
    """The ledger's settings (`fupin config`): the reporting unit and the sign-off names of reports sent upward."""
    _create(conn, "settings")


def m011_collab_tasks(conn: Connection) -> None:
    """East–west collaboration (plan rows, targets, records) and the task board (tasks and their 销号 events)."""
    _create(conn, "collab_plans", "collab_targets", "collab_records", "tasks", "task_events")


def m008_audit(conn: Connection) -> None:
    """audit_records (who wrote children's full ID numbers out, when, where to), and what each batch wrote
    (batches.written_rows, written_amount) for `fupin db verify`, filled for the batches already there."""
    from jiaoyu_fupin.store.integrity import record_missing_totals

    _create(conn, "audit_records")
    present = {c["name"] for c in inspect(conn).get_columns("batches")}
    if "written_rows" not in present:
        conn.exec_driver_sql("ALTER TABLE batches ADD COLUMN written_rows INTEGER")
    if "written_amount" not in present:
        conn.exec_driver_sql("ALTER TABLE batches ADD COLUMN written_amount BIGINT")
    record_missing_totals(conn)


def m012_data_steps(conn: Connection) -> None:
    """data_steps: the data steps applied (data_steps.py) and the version each installed (the default policy's)."""
    _create(conn, "data_steps")


MIGRATIONS: list[Callable[[Connection], None]] = [
    m001_initial, m002_default_policy, m003_pairing_records, m004_dropout_rates, m005_row_versions,
    m006_province_scope, m007_corrections, m009_settings, m010_effective_time, m011_collab_tasks, m008_audit,
    m012_data_steps,
]


def schema_table() -> Table:
    """The table recording the steps applied (for copying a ledger whole)."""
    return schema_migrations


def applied(conn: Connection) -> list[str]:
    _meta.create_all(conn)
    return [row[0] for row in conn.execute(select(schema_migrations.c.name))]


def pending(conn: Connection) -> bool:
    """Whether any step is still to apply, found by reading only: no write lock is taken while an import runs."""
    if not conn.dialect.has_table(conn, "schema_migrations"):
        return True
    done = {row[0] for row in conn.execute(select(schema_migrations.c.name))}
    return any(step.__name__ not in done for step in MIGRATIONS)


def unknown(conn: Connection) -> list[str]:
    """Steps the ledger records that this fupin does not know, in the order applied: a newer fupin made them."""
    if not conn.dialect.has_table(conn, "schema_migrations"):
        return []
    known = {step.__name__ for step in MIGRATIONS}
    rows = conn.execute(select(schema_migrations.c.name).order_by(schema_migrations.c.applied_at))
    return [row[0] for row in rows if row[0] not in known]


def migrate(conn: Connection) -> list[str]:
    """Apply pending steps in order; return the names applied now."""
    done = set(applied(conn))
    ran = []
    for step in MIGRATIONS:
        if step.__name__ in done:
            continue
        step(conn)
        conn.execute(schema_migrations.insert().values(name=step.__name__, applied_at=datetime.now()))
        ran.append(step.__name__)
    return ran


def schema_version() -> str:
    return MIGRATIONS[-1].__name__
