"""A query worker: a separate process that runs query files for the app, under hard limits.

Started by crm.sandbox as `python -m crm.worker FD MEMORY_MB`; it answers requests on the socket
FD one at a time. The operating system caps its memory (RLIMIT_DATA), so a runaway query fails in
here, never in the app; the app replaces a worker that dies or does not answer in time. Being
single-threaded, it closes its connection to an old warehouse version as soon as it moves on.
"""
from __future__ import annotations

import pickle
import resource
import sys
from multiprocessing.connection import Connection
from pathlib import Path

import pyarrow as pa

from crm import warehouse

# One connection at a time: each would have its own cache of memory_mb / 2, and a worker asked
# for another warehouse version (a swap, a test's other warehouse) reopens in about 50 ms.
OPEN_VERSIONS = 1
CHECKS_KEPT = 2000     # SQL check results remembered per worker (the check is deterministic)


class Refused(Exception):
    """The SQL check refused a query file; the message says why."""


class Readers:
    """Connections to warehouse versions, each with what its query files may use."""

    def __init__(self, memory_mb: int):
        # DuckDB's own limit well under the hard one, so it spills or fails cleanly first; the rest
        # is for the interpreter, Arrow results and threads.
        self.memory_limit = f"{max(memory_mb * 3 // 8, 100)}MB"
        self.open: dict[str, tuple[object, warehouse.Readable]] = {}
        self.checked: dict[tuple[str, str], str | None] = {}

    def connection(self, path: str):
        if path not in self.open:
            con = warehouse.connect(Path(path), memory_limit=self.memory_limit)
            self.open[path] = (con, warehouse.readable(con))
            for old in list(self.open)[:-OPEN_VERSIONS]:
                self.open.pop(old)[0].close()  # nobody else uses it: this process is single-threaded
        return self.open[path][0]

    def problem(self, path: str, sql: str) -> str | None:
        key = (path, sql)
        if key not in self.checked:
            con = self.connection(path)
            if len(self.checked) >= CHECKS_KEPT:
                self.checked.clear()
            self.checked[key] = warehouse.statement_problem(con, sql, self.open[path][1])
        return self.checked[key]


def handle(request: dict, readers: Readers):
    """Answer one request: a query file's rows, its check, or the warehouse's description."""
    path = request["path"]
    if request["op"] == "problem":
        return readers.problem(path, request["sql"])
    if request["op"] == "info":
        con = readers.connection(path)
        if warehouse.is_outdated(con):  # built by an earlier release: its description may differ
            return {"outdated": True}
        return {**warehouse.info(con), "outdated": False}
    if problem := readers.problem(path, request["sql"]):
        raise Refused(problem)
    table = warehouse.fetch(readers.connection(path), request["sql"], request["params"],
                            timeout=request["timeout"], max_rows=request["max_rows"])
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as stream:
        stream.write_table(table)
    return sink.getvalue().to_pybytes()


def main(fd: int, memory_mb: int) -> None:
    # RLIMIT_DATA caps the memory the process writes to (heap and private mappings); RLIMIT_AS
    # would also count the address space that allocators and threads only reserve (~2 GB here).
    limit = memory_mb * 2**20
    resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))
    channel = Connection(fd)
    readers = Readers(memory_mb)
    while True:
        try:
            request = pickle.loads(channel.recv_bytes())
        except (EOFError, OSError):  # the app closed the socket or died: nothing left to do
            return
        try:
            answer = ("ok", handle(request, readers))
        except Refused as refused:
            answer = ("refused", str(refused))
        except (warehouse.QueryError, warehouse.WarehouseError) as error:
            answer = ("failed", str(error))
        except MemoryError:
            answer = ("failed", "stopped: it needed more memory than a query may use (the query_memory_mb setting)")
        except Exception as error:  # noqa: BLE001 - reported to the app, which logs it
            answer = ("crashed", f"{type(error).__name__}: {error}")
        channel.send_bytes(pickle.dumps(answer))


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]))
