"""COPY on a PostgreSQL ledger checks the rows' foreign keys once per COPY where the server lets the clerks' role
skip the per-row checks (GRANT SET ON PARAMETER session_replication_role), and leaves them to the server where it
does not: either way a row pointing at nothing is refused and nothing is written, and a row pointed at stays
locked until the import commits."""

from __future__ import annotations

import itertools
import os
from datetime import date

import pandas as pd
import psycopg
import pytest
from sqlalchemy.engine import make_url

from helpers.files import ROLL_HEADER, SCHOOL_HEADER, SCHOOL_ROWS, make_id, write_xlsx
from helpers.ledger import Cli, query

pytestmark = pytest.mark.postgres_only
_roles = itertools.count(1)


@pytest.fixture
def county(cli, tmp_path):
    """Two schools and one student in the ledger, committed."""
    result = cli("import", write_xlsx(tmp_path / "学校名单.xlsx", SCHOOL_HEADER, SCHOOL_ROWS),
                 write_xlsx(tmp_path / "学籍.xlsx", [*ROLL_HEADER, "学期"], [
                     ["张小明", "男", make_id(date(2007, 3, 15), 11), "城关中学", "初中", "七年级", "1班", "走读", "在校",
                      "2019秋"]]))
    assert result.exit_code == 0, result.output


def _clerk(db: str, pg_server, *, granted: bool) -> str:
    """The URL of a new login role that is not a superuser and may use the ledger's tables: a prefecture's clerk."""
    role = f"clerk_{os.getpid()}_{next(_roles)}"
    pg_server.admin(f"CREATE ROLE {role} LOGIN")
    if granted:
        pg_server.admin(f"GRANT SET ON PARAMETER session_replication_role TO {role}")
    url = make_url(db)
    with psycopg.connect(dbname=url.database, user=url.username, host=url.query["host"], autocommit=True) as conn:
        for grant in ("ALL ON SCHEMA public", "ALL ON ALL TABLES IN SCHEMA public",
                      "ALL ON ALL SEQUENCES IN SCHEMA public"):
            conn.execute(f"GRANT {grant} TO {role}")
    return url.set(username=role).render_as_string(hide_password=False)


def _enrollment(db: str, **changes) -> pd.DataFrame:
    """The stored enrollment as a frame for COPY, with `changes`, in another term (so it is a new row)."""
    columns = ["student_id", "term", "school_id", "school_name", "stage", "grade", "status", "study_place",
               "batch_id"]
    row = dict(zip(columns, query(db, f"SELECT {', '.join(columns)} FROM enrollments")[0], strict=True))
    return pd.DataFrame([{**row, "term": "2020春", **changes}])


def _copy(url: str, frame: pd.DataFrame) -> None:
    from jiaoyu_fupin.store import bulk
    from jiaoyu_fupin.store.ledger import Ledger
    from jiaoyu_fupin.store.models import Enrollment

    ledger = Ledger(url)
    try:
        with ledger.transaction() as conn:
            bulk.insert(conn, Enrollment.__table__, frame)
    finally:
        ledger.close()


@pytest.mark.parametrize("granted", [True, False], ids=["granted", "not-granted"])
def test_a_row_pointing_at_no_school_is_refused_and_nothing_is_written(db, pg_server, county, granted):
    from jiaoyu_fupin.store.dialect import MissingReference

    clerk = _clerk(db, pg_server, granted=granted)
    with pytest.raises((MissingReference, psycopg.errors.ForeignKeyViolation)) as refused:
        _copy(clerk, _enrollment(db, school_id=999_999))
    # Granted, fupin checks the keys itself; otherwise the server's own check refuses the row.
    assert isinstance(refused.value, MissingReference) == granted
    assert query(db, "SELECT count(*) FROM enrollments") == [(1,)]
    _copy(clerk, _enrollment(db))
    assert query(db, "SELECT term FROM enrollments ORDER BY term") == [("2019秋",), ("2020春",)]


def test_a_missing_student_among_scattered_ones_is_refused(db, pg_server, county):
    # Ids in one run are read as a range, scattered ones looked up one by one: both must find what is missing.
    from jiaoyu_fupin.store.dialect import MissingReference

    frame = _enrollment(db)
    frame = pd.concat([frame, frame.assign(student_id=999_999)], ignore_index=True)
    with pytest.raises(MissingReference, match="student_id"):
        _copy(_clerk(db, pg_server, granted=True), frame)
    assert query(db, "SELECT count(*) FROM enrollments") == [(1,)]


def test_ids_held_as_floats_beside_integers_are_checked_as_the_integers_copy_wrote(db, pg_server, county):
    # A payment roster's program ids came as 3.0 beside 4 in one column: the check crashed ("mixed types").
    frame = _enrollment(db)
    school = int(frame["school_id"].iloc[0])
    [(other,)] = query(db, "SELECT id FROM schools WHERE name = '城关第一小学'")
    frame = pd.concat([frame, frame.assign(term="2020秋", school_name="城关第一小学", stage="小学")], ignore_index=True)
    frame["school_id"] = pd.Series([float(school), other], dtype=object)
    _copy(_clerk(db, pg_server, granted=True), frame)
    assert query(db, "SELECT school_id, count(*) FROM enrollments GROUP BY school_id ORDER BY count(*)") == [
        (other, 1), (school, 2)]


def test_only_a_granted_role_copies_without_the_servers_per_row_checks(db, pg_server, county):
    from jiaoyu_fupin.store import dialect
    from jiaoyu_fupin.store.ledger import Ledger

    columns = ["student_id", "term", "school_id", "batch_id"]
    for granted, expected in ((True, {"student_id", "school_id", "batch_id"}), (False, None)):
        ledger = Ledger(_clerk(db, pg_server, granted=granted))
        try:
            with ledger.transaction() as conn:
                keys = dialect._references_we_check(conn, "enrollments", columns)
        finally:
            ledger.close()
        assert (keys if keys is None else {name for name, _, _ in keys}) == expected


def test_a_school_the_import_points_at_cannot_be_deleted_before_it_commits(db, pg_server, county):
    # The per-row check locks the school it finds (FOR KEY SHARE): another transaction's DELETE waits for the
    # import. Without the lock the DELETE would see no enrollment of the import yet, succeed, and leave rows
    # pointing at nothing once the import commits.
    from jiaoyu_fupin.store import bulk
    from jiaoyu_fupin.store.ledger import Ledger
    from jiaoyu_fupin.store.models import Enrollment

    [(school,)] = query(db, "SELECT id FROM schools WHERE name = '城关第一小学'")  # no enrollment points at it yet
    frame = _enrollment(db, school_id=school, school_name="城关第一小学", stage="小学")
    ledger = Ledger(_clerk(db, pg_server, granted=True))
    url = make_url(db)
    try:
        with ledger.transaction() as conn:
            bulk.insert(conn, Enrollment.__table__, frame)
            with psycopg.connect(dbname=url.database, user=url.username, host=url.query["host"]) as other:
                other.execute("SET lock_timeout = '300ms'")
                with pytest.raises(psycopg.errors.LockNotAvailable):
                    other.execute("DELETE FROM schools WHERE id = %s", (school,))
    finally:
        ledger.close()
    assert query(db, "SELECT count(*) FROM enrollments WHERE school_id = ?", (school,)) == [(1,)]


@pytest.mark.parametrize("granted", [True, False], ids=["granted", "not-granted"])
def test_a_clerk_who_is_no_superuser_imports_a_roll(db, pg_server, county, tmp_path, granted):
    clerk = Cli(_clerk(db, pg_server, granted=granted))
    rows = [[f"学生{k}", "女", make_id(date(2008, 1, 1 + k), 30 + k), "城关第一小学", "小学", "三年级", "1班", "走读", "在校",
             "2019秋"] for k in range(20)]
    result = clerk("import", write_xlsx(tmp_path / "学籍_二.xlsx", [*ROLL_HEADER, "学期"], rows))
    assert result.exit_code == 0, result.output
    assert query(db, "SELECT count(*), count(DISTINCT school_id) FROM enrollments") == [(21, 2)]
    assert query(db, "SELECT count(*) FROM students WHERE batch_id IS NULL") == [(0,)]
