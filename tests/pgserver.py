"""A throw-away PostgreSQL server for the tests: Debian's `postgresql` package, initdb into a
temp folder, a free loopback port in 5450-5499. PostgreSQL refuses to run as root, so as root
the server runs as the `postgres` user (runuser)."""
from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

PORTS = range(5450, 5500)


def binaries() -> Path | None:
    """The folder of initdb and pg_ctl (Debian keeps them out of PATH, under /usr/lib/postgresql/N/bin)."""
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).resolve().parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(p.split("/")[4]))
    return Path(versions[-1]).parent if versions else None


def free_port(ports=PORTS) -> int:
    for port in ports:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {ports.start}-{ports.stop - 1}")


class Server:
    def __init__(self):
        self.bin = binaries()
        if self.bin is None:
            raise RuntimeError("PostgreSQL is not installed (apt-get install postgresql; tests/run.sh does it)")
        self.folder = Path(tempfile.mkdtemp(prefix="crm-pg-"))
        self.data = self.folder / "data"
        self.port = free_port()
        self.user = "postgres" if os.geteuid() == 0 else None
        if self.user:  # the server's user must own its folder (and reach it: /tmp is world-readable)
            entry = pwd.getpwnam(self.user)
            os.chown(self.folder, entry.pw_uid, entry.pw_gid)

    def _run(self, *command: str) -> None:
        prefix = ["runuser", "-u", self.user, "--"] if self.user else []
        result = subprocess.run(prefix + [str(self.bin / command[0]), *command[1:]], capture_output=True, text=True)
        if result.returncode:
            log = self.folder / "server.log"
            raise RuntimeError(f"{command[0]} failed: {result.stderr[-2000:]}"
                               + (log.read_text()[-2000:] if log.exists() else ""))

    def start(self) -> "Server":
        self._run("initdb", "-D", str(self.data), "-U", "crm", "--auth=trust", "-E", "UTF8", "--no-sync")
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.folder / "server.log"), "-w", "start")
        return self

    def stop(self) -> None:
        with contextlib.suppress(RuntimeError):
            self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")
        shutil.rmtree(self.folder, ignore_errors=True)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://crm@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        """A fresh empty database; returns its SQLAlchemy URL."""
        import psycopg
        with psycopg.connect(f"host=127.0.0.1 port={self.port} user=crm dbname=postgres", autocommit=True) as con:
            con.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)
