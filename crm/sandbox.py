"""Where query files run: a small pool of worker processes (crm.worker), each under hard limits.

Every query file, a page's or an analyst's, runs in a worker: its memory is capped by the
operating system (the query_memory_mb setting), its time by DuckDB's interrupt and, should that
not be enough, by killing the worker (query_timeout_seconds), its result by query_max_rows. A
runaway query therefore fails on its own card and never takes the app down or slows other users
beyond the one worker it holds. A worker that dies is replaced; nothing is shared between
threads but the pool's queue of idle workers.
"""
from __future__ import annotations

import atexit
import logging
import os
import pickle
import queue
import socket
import subprocess
import sys
import threading
from multiprocessing.connection import Connection

import pandas as pd
import pyarrow as pa

from crm import settings
from crm.errors import CrmError

log = logging.getLogger(__name__)
KILL_GRACE_SECONDS = 5.0  # after the timeout, the worker gets this long to report its own interrupt


class Refused(CrmError):
    """The SQL check refused a query file (see crm.warehouse.statement_problem)."""


class QueryFailed(CrmError):
    """A query failed in its worker or passed a limit; the message is for the user."""


class _Worker:
    def __init__(self, memory_mb: int):
        ours, theirs = socket.socketpair()
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(settings.ROOT),
                                                                          os.environ.get("PYTHONPATH")])),
               # glibc reserves up to 8 x cores malloc arenas of 64 MB of address space, which count
               # against the worker's RLIMIT_AS: measured 2.56 GB of 2.56 GB after every page once
               # ("can't start new thread"), 1.77 GB with two arenas.
               "MALLOC_ARENA_MAX": os.environ.get("MALLOC_ARENA_MAX", "2")}
        self.process = subprocess.Popen([sys.executable, "-m", "crm.worker", str(theirs.fileno()), str(memory_mb)],
                                        pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL, env=env)
        theirs.close()
        self.channel = Connection(ours.detach())

    def ask(self, request: dict, wait: float):
        """The worker's answer; raises _Lost when it died or had to be killed."""
        try:
            self.channel.send_bytes(pickle.dumps(request))
            if not self.channel.poll(wait):
                self.stop()
                raise _Lost(f"stopped after {request.get('timeout') or wait:g} s (the query_timeout_seconds setting)")
            return pickle.loads(self.channel.recv_bytes())
        except (EOFError, OSError):
            self.stop()
            log.error("query worker exited with code %s", self.process.returncode)
            raise _Lost("stopped: the query worker ran out of memory or failed (its memory is bounded by the "
                        "query_memory_mb setting); the details are in the server log") from None

    def stop(self) -> None:
        self.process.kill()
        self.process.wait()
        self.channel.close()


class _Lost(Exception):
    """A worker died or was killed while answering."""


class Pool:
    """Idle workers in a queue: a request takes one, waits for its answer, and gives it back."""

    def __init__(self, size: int, memory_mb: int):
        self.memory_mb = memory_mb
        self.idle: queue.Queue[_Worker | None] = queue.Queue()
        for _ in range(size):
            self.idle.put(None)  # started on first use

    def ask(self, request: dict, wait: float):
        try:
            worker = self.idle.get(timeout=wait * 2)
        except queue.Empty:
            raise QueryFailed("the dashboard is very busy: every query worker is taken; try again in a moment") from None
        try:
            worker = worker or _Worker(self.memory_mb)
            kind, *detail = worker.ask(request, wait)
        except _Lost as lost:
            log.warning("query worker replaced: %s", lost)
            worker = None
            raise QueryFailed(str(lost)) from None
        finally:
            self.idle.put(worker)
        if kind == "ok":
            return detail[0]
        if kind == "refused":
            raise Refused(detail[0])
        if kind == "crashed":
            log.error("query worker error: %s", detail[0])
            raise QueryFailed("the query could not run; the details are in the server log")
        raise QueryFailed(detail[0])

    def close(self) -> None:
        while not self.idle.empty():
            if worker := self.idle.get_nowait():
                worker.stop()


_pool: Pool | None = None
_pool_lock = threading.Lock()


def pool() -> Pool:
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = Pool(settings.get("query_workers"), settings.get("query_memory_mb"))
            atexit.register(_pool.close)
    return _pool


def _timeout() -> float:
    return settings.get("query_timeout_seconds")


def query(path: str, sql: str, params: dict, *, timeout: float | None = None) -> pd.DataFrame:
    """A query file's rows, after the SQL check; raises Refused or QueryFailed."""
    timeout = timeout or _timeout()
    data = pool().ask({"op": "query", "path": path, "sql": sql, "params": params, "timeout": timeout,
                       "max_rows": settings.get("query_max_rows")}, timeout + KILL_GRACE_SECONDS)
    return pa.ipc.open_stream(data).read_all().to_pandas(date_as_object=False)


def problem(path: str, sql: str) -> str | None:
    """Why the SQL check refuses this query file in this warehouse, or None."""
    return pool().ask({"op": "problem", "path": path, "sql": sql}, _timeout())


def info(path: str) -> dict:
    """The warehouse's description (crm.warehouse.info) and whether this release must upgrade it."""
    return pool().ask({"op": "info", "path": path}, _timeout())
