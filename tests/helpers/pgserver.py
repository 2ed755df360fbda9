"""A throwaway PostgreSQL server for the test session: initdb into a temporary folder, a Unix socket only.

The server runs as an unprivileged user when the tests run as root (initdb refuses root), listens on no TCP port,
trusts local connections (nobody else can reach its socket folder) and skips fsync: it holds test data only and is
stopped, its folder removed, when the session ends. Each test gets a fresh database copied from a migrated template.
"""

from __future__ import annotations

import glob
import itertools
import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

USER = "fupin"
TEMPLATE = "fupin_template"


class ServerMissing(RuntimeError):
    pass


def find_bindir() -> Path:
    """The folder holding initdb and pg_ctl: $FUPIN_PG_BINDIR, else the newest Debian install, else $PATH."""
    if os.environ.get("FUPIN_PG_BINDIR"):
        return Path(os.environ["FUPIN_PG_BINDIR"])
    debian = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    if debian:
        return Path(debian[-1]).parent
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    raise ServerMissing("initdb not found: install PostgreSQL >= 15 (Debian: apt-get install -y postgresql), "
                        "or set FUPIN_PG_BINDIR")


class Server:
    def __init__(self, settings: dict[str, str] | None = None) -> None:
        """`settings`: server settings (postgresql.conf names) over the test server's own, which skip fsync."""
        self.bindir = find_bindir()
        self.folder = Path(tempfile.mkdtemp(prefix="fupin-pg-"))
        self.data = self.folder / "data"
        self.socket = self.folder / "socket"
        self.socket.mkdir()
        self.run_as = _unprivileged_user() if os.geteuid() == 0 else None
        if self.run_as:
            for path in (self.folder, self.socket):
                os.chown(path, self.run_as.pw_uid, self.run_as.pw_gid)
            os.chmod(self.folder, 0o755)  # root connects through the socket folder inside
        self._names = itertools.count(1)
        self._filled: set[str] = set()
        self._admin = None
        self.settings = {"fsync": "off", "synchronous_commit": "off", "full_page_writes": "off",
                         "max_connections": "200", "shared_buffers": "64MB", **(settings or {})}

    def _run(self, *args: str) -> None:
        kwargs = {"user": self.run_as.pw_uid, "group": self.run_as.pw_gid, "extra_groups": []} if self.run_as else {}
        result = subprocess.run([str(self.bindir / args[0]), *args[1:]], capture_output=True, text=True,
                                cwd=self.folder, **kwargs)
        if result.returncode:
            raise RuntimeError(f"{args[0]} failed: {result.stdout}\n{result.stderr}")

    def start(self) -> None:
        self._run("initdb", "-D", str(self.data), "-U", USER, "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8",
                  "--no-sync")
        options = f"-c listen_addresses='' -k {self.socket} " + " ".join(
            f"-c {name}={value}" for name, value in self.settings.items())
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.folder / "server.log"), "-w",
                  "start")

    def stop(self) -> None:
        if self._admin is not None:
            self._admin.close()
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)

    def url(self, database: str, user: str = USER) -> str:
        return f"postgresql+psycopg://{user}@/{database}?host={self.socket}"

    def admin(self, sql: str) -> None:
        """One statement on the server's own database, over one connection kept for the session (a new connection
        costs a process on the server: more than creating a test's database)."""
        import psycopg

        if self._admin is None or self._admin.closed:
            self._admin = psycopg.connect(host=str(self.socket), user=USER, dbname="postgres", autocommit=True)
        self._admin.execute(sql)

    def make_template(self) -> None:
        """A database with every migration applied: copying it is much faster than migrating each test's own."""
        from jiaoyu_fupin.store.ledger import Ledger

        self.admin(f"CREATE DATABASE {TEMPLATE}")
        Ledger(self.url(TEMPLATE)).close()

    def new_database(self, *, migrated: bool = True) -> str:
        name = f"t{os.getpid()}_{next(self._names)}"
        self.admin(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE if migrated else 'template0'}")
        return name

    def fill_from(self, url: str, source: str, fill) -> None:
        """Make the database at `url` a copy of `source`, which `fill(source_url)` fills once per session: a module's
        ledger imported once, then copied for each test, as the SQLite tests copy a file."""
        if source not in self._filled:
            self.admin(f"CREATE DATABASE {source} TEMPLATE {TEMPLATE}")
            fill(self.url(source))
            # A connection the fill left in a pool (a command's engine not yet collected) would make every copy
            # wait 5 s and fail: "source database is being accessed by other users".
            self.admin(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{source}'")
            self._filled.add(source)
        name = url.split("@/")[1].split("?")[0]
        self.drop_database(name)
        self.admin(f"CREATE DATABASE {name} TEMPLATE {source}")

    def drop_database(self, name: str) -> None:
        self.admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _unprivileged_user() -> pwd.struct_passwd:
    for name in ("postgres", "nobody"):
        try:
            return pwd.getpwnam(name)
        except KeyError:
            continue
    raise ServerMissing("no unprivileged user (postgres or nobody) to run the test server as")
