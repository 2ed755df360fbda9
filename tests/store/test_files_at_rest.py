"""Children's data at rest: workbooks with full ID numbers readable by their owner only, public notices by all, and
no temporary file or ledger copy left behind by a run that was stopped or killed."""

from __future__ import annotations

import io
import os
import re
import signal
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import openpyxl
import pytest

from helpers.sample_ledger import copy_ledger, county_ledger
from jiaoyu_fupin.core import idnumber
from jiaoyu_fupin.core.files import write_atomic


@pytest.fixture
def imported_sample(tmp_path_factory, cli):
    copy_ledger(county_ledger(tmp_path_factory), cli.db)
    return cli.db


SRC = str(Path(__file__).resolve().parents[2] / "src")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def umask022():
    old = os.umask(0o022)
    yield
    os.umask(old)


def _python(script: str, *args: str, env: dict | None = None, **kwargs) -> subprocess.Popen:
    env = env or {**os.environ, "PYTHONPATH": SRC}
    return subprocess.Popen([sys.executable, "-c", textwrap.dedent(script), *args], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kwargs)


def test_private_files_are_0600_and_public_ones_0644(tmp_path, umask022):
    write_atomic(tmp_path / "核对.xlsx", lambda p: p.write_bytes(b"ids"), private=True)
    write_atomic(tmp_path / "公示.xlsx", lambda p: p.write_bytes(b"names"))
    assert mode(tmp_path / "核对.xlsx") == 0o600
    assert mode(tmp_path / "公示.xlsx") == 0o644
    assert sorted(p.name for p in tmp_path.iterdir()) == ["公示.xlsx", "核对.xlsx"]


def test_temporary_file_is_private_before_anything_is_written_to_it(tmp_path, umask022):
    seen = {}

    def write(tmp: Path) -> None:
        seen["mode"] = mode(tmp)
        seen["folder"] = tmp.parent
        tmp.write_bytes(b"x")

    write_atomic(tmp_path / "公示.xlsx", write)
    assert seen == {"mode": 0o600, "folder": tmp_path}


def test_a_failed_write_leaves_nothing(tmp_path):
    def write(tmp: Path) -> None:
        tmp.write_bytes(b"half")
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError):
        write_atomic(tmp_path / "总结.xlsx", write)
    assert list(tmp_path.iterdir()) == []


KILLED_MID_WRITE = """
    import os, signal, sys
    import openpyxl
    from jiaoyu_fupin.cli.main import run

    save = openpyxl.Workbook.save

    def save_then_die(self, filename):
        save(self, filename)  # the whole workbook, full IDs and all, is in the temporary file …
        os.kill(os.getpid(), signal.SIGKILL)  # … when the power goes

    openpyxl.Workbook.save = save_then_die
    sys.argv = ["fupin", *sys.argv[1:]]
    run()
"""


@pytest.mark.sqlite_only("the full sample county is built once as an SQLite file and copied with its backup API")
def test_export_killed_mid_write_leaves_only_a_private_temporary_that_the_next_run_sweeps(
        imported_sample, tmp_path, umask022):
    out = tmp_path / "out"
    out.mkdir()
    target = out / "资助核对_2019秋.xlsx"
    proc = _python(KILLED_MID_WRITE, "--db", str(imported_sample), "subsidy", "check", "--term", "2019秋",
                   "--out", str(target))
    _, stderr = proc.communicate(timeout=120)
    assert proc.returncode == -signal.SIGKILL, stderr
    left = list(out.iterdir())
    assert not target.exists()
    assert len(left) == 1 and left[0].name.startswith(".资助核对_2019秋.xlsx.") and left[0].name.endswith(".tmp")
    assert _full_ids(left[0]) > 0
    assert mode(left[0]) == 0o600  # it holds children's full IDs: never readable by others
    write_atomic(out / "月报.xlsx", lambda p: p.write_bytes(b"ok"))
    assert [p.name for p in out.iterdir()] == ["月报.xlsx"]


def test_sweep_spares_a_temporary_file_of_a_running_export(tmp_path):
    running = tmp_path / f".核对.xlsx.{os.getppid()}.0123abcd.tmp"
    running.write_bytes(b"being written")
    write_atomic(tmp_path / "月报.xlsx", lambda p: p.write_bytes(b"ok"))
    assert running.exists()


STOPPED_MID_WRITE = """
    import sys, time
    import openpyxl
    from jiaoyu_fupin.cli.main import run

    def slow_save(self, filename):
        open(filename, "wb").write(b"PK half a workbook")
        time.sleep(60)

    openpyxl.Workbook.save = slow_save
    sys.argv = ["fupin", "template", "roll", "--out", sys.argv[1]]
    run()
"""


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_export_stopped_mid_write_leaves_nothing(tmp_path, signum):
    target = tmp_path / "学籍模板.xlsx"
    proc = _python(STOPPED_MID_WRITE, str(target))
    deadline = time.monotonic() + 60
    while not any(p.name.endswith(".tmp") and p.stat().st_size for p in tmp_path.iterdir()):
        assert proc.poll() is None and time.monotonic() < deadline, proc.communicate()
        time.sleep(0.05)
    proc.send_signal(signum)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 128 + signum
    assert "Traceback" not in stderr
    assert list(tmp_path.iterdir()) == []


def _full_ids(path: Path) -> int:
    wb = openpyxl.load_workbook(io.BytesIO(path.read_bytes()), read_only=True)  # a .tmp name too
    found = 0
    for ws in wb.worksheets:
        for row in ws.iter_rows(values_only=True):
            found += sum(1 for v in row if isinstance(v, str) and re.fullmatch(r"\d{17}[\dX]", v)
                         and idnumber.is_valid(v))
    wb.close()
    return found


@pytest.mark.sqlite_only("the full sample county is built once as an SQLite file and copied with its backup API")
def test_every_workbook_of_the_sample_with_full_ids_is_private(imported_sample, cli, tmp_path, umask022):
    out = tmp_path / "out"
    out.mkdir()
    runs = [
        ("subsidy", "check", "--term", "2019秋", "--out", out / "资助核对.xlsx"),
        ("subsidy", "notice", "--term", "2019秋", "--out", out / "资助公示.xlsx"),
        ("pair", "check", "--term", "2019秋", "--out", out / "结对帮扶检查.xlsx"),
        ("rates", "--year", "2019", "--out", out / "四项指标.xlsx"),
        ("report", "monthly", "--month", "2019-11", "--out", out),
        ("report", "summary", "--year", "2019", "--out", out / "总结.xlsx"),
        ("template", "roll", "--out", out / "学籍模板.xlsx"),
    ]
    for args in runs:
        result = cli(*args)
        assert result.exit_code in (0, 1), (args, result.output)
    holding = {p.name for p in out.glob("*.xlsx") if _full_ids(p)}
    assert {"资助核对.xlsx", "结对帮扶检查.xlsx"} <= holding
    assert "资助公示.xlsx" not in holding
    for path in out.iterdir():
        assert not path.name.startswith("."), path
        if path.name in holding:
            assert mode(path) == 0o600, path.name
    assert mode(out / "资助公示.xlsx") == 0o644
    assert mode(out / "学籍模板.xlsx") == 0o644


def test_error_workbook_is_private(cli, tmp_path, umask022):
    from conftest import ROLL_HEADER, roll_rows, write_xlsx

    rows = roll_rows()
    rows[0][ROLL_HEADER.index("身份证件号")] = "42282220100315501"  # 17 digits: refused, the others are whole
    bad = write_xlsx(tmp_path / "学籍.xlsx", ROLL_HEADER, rows)
    result = cli("import", bad, "--kind", "roll", "--term", "2019秋", "--errors", tmp_path / "错误.xlsx")
    assert result.exit_code == 1
    assert mode(tmp_path / "错误.xlsx") == 0o600


KILLED_IN_AS_OF = """
    import os, signal, sys
    from datetime import datetime
    from jiaoyu_fupin.store.ledger import Ledger
    from jiaoyu_fupin.store import asof

    with asof.snapshot(Ledger(sys.argv[1]), datetime(2019, 11, 20)) as copy:
        print(copy.target, flush=True)
        os.kill(os.getpid(), signal.SIGKILL)
"""


def test_report_as_of_killed_outright_leaves_no_copy_of_the_ledger(cli, tmp_path):
    assert cli("init").exit_code == 0
    temp = tmp_path / "temp"
    temp.mkdir()
    proc = _python(KILLED_IN_AS_OF, str(cli.db), env={**os.environ, "PYTHONPATH": SRC, "TMPDIR": str(temp)})
    stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == -signal.SIGKILL, stderr
    assert stdout.startswith(str(temp))  # the copy was made there …
    deadline = time.monotonic() + 10
    while list(temp.iterdir()) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert list(temp.iterdir()) == []  # … and is gone although the process was killed


def test_copy_left_by_an_older_run_is_swept(cli, tmp_path, monkeypatch):
    import tempfile
    from datetime import datetime

    from jiaoyu_fupin.store import asof
    from jiaoyu_fupin.store.ledger import Ledger

    assert cli("init").exit_code == 0
    temp = tmp_path / "temp"
    temp.mkdir()
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    left = temp / f"fupin-asof-{dead.pid}-x1y2"
    left.mkdir()
    (left / "snapshot.db").write_bytes(b"children's data")
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    with asof.snapshot(Ledger(cli.db), datetime(2019, 11, 20)):
        assert not left.exists()
    assert list(temp.iterdir()) == []


@pytest.mark.sqlite_only("the full sample county is built once as an SQLite file and copied with its backup API")
def test_report_as_of_killed_from_outside_leaves_no_copy(imported_sample, tmp_path):
    temp = tmp_path / "temp"
    temp.mkdir()
    env = {**os.environ, "TMPDIR": str(temp)}
    proc = subprocess.Popen([sys.executable, "-m", "jiaoyu_fupin", "--db", str(imported_sample), "report", "monthly",
                             "--month", "2019-11", "--as-of", "2019-11-20", "--out", str(tmp_path)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while not list(temp.glob("fupin-asof-*/snapshot.db")):
        assert proc.poll() is None and time.monotonic() < deadline, "the report ended before its copy was seen"
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)
    deadline = time.monotonic() + 10
    while list(temp.iterdir()) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert list(temp.iterdir()) == []
