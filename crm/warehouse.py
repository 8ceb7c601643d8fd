"""The warehouse: the only module that imports duckdb.

Each build writes a new versioned database file, checkpoints and closes it, then
atomically replaces a small pointer file (`current.txt`) naming it. Readers open the
pointed file read-only, so a rebuild never waits on (or breaks) sessions reading the old
version; old versions are deleted later. Reader connections are locked down (no external
access, configuration locked) and every query runs on its own cursor.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

import duckdb
import pandas as pd
import pyarrow as pa

from crm import settings
from crm.errors import CrmError

SQL_DIR = Path(__file__).parent / "sql"
POINTER_FILE = "current.txt"
# Written in an older storage format so analysts' DuckDB 1.x tools can open the file.
STORAGE_VERSION = "v1.2.0"
# Fact tables are stored sorted by date: smaller files, faster date-filtered scans.
SORT_KEYS = {"orders": "ordered_on", "interactions": "interacted_on", "complaints": "received_at",
             "surveys": "answered_on", "channel_costs": "month", "leads": "contacted_on"}
Progress = Callable[[float, str], None]
# DuckDB's memory while building: larger sorts and joins spill to a temporary folder beside the
# warehouse, so memory stays bounded (unbounded, sorting 40M demo interactions took 5 GiB).
BUILD_MEMORY_LIMIT = "2GB"
# The app's reader: DuckDB keeps blocks it read in memory up to this limit (by default 80 % of
# RAM); heavy queries spill to `<warehouse>.tmp`. Keeps the app process within about 1.2 GiB.
READER_MEMORY_LIMIT = "768MB"


class WarehouseError(CrmError):
    """A problem with the warehouse itself: missing, unreadable, or a failed build."""


def base_tables() -> dict[str, list[str]]:
    """Base tables of the import contract and their columns, read from schema.sql."""
    tables = {}
    for name, body in re.findall(r"CREATE TABLE (\w+) \((.*?)\n\);", (SQL_DIR / "schema.sql").read_text(), re.S):
        tables[name] = re.findall(r"^\s+(\w+)\s+[A-Z]", body, re.M)
    return tables


def mart_files() -> list[Path]:
    return sorted((SQL_DIR / "marts").glob("*.sql"))


# --- building -------------------------------------------------------------------------------

def build(chunks: Iterable[tuple[str, object]], data_dir: Path, *, source: str,
          inactive_after_days: int | None = None, progress: Progress | None = None,
          import_log: object | None = None) -> Path:
    """Load (table, arrow table or DataFrame) chunks into a new warehouse version and make it current.

    Marts are built from the base tables. `import_log` (arrow table or DataFrame with the
    IMPORT_LOG columns) holds the importer's warnings; without it the table stays empty.
    Until the pointer is replaced, readers keep the previous version; if anything fails,
    the half-built file is removed and the previous version stays current.
    """
    progress = progress or (lambda fraction, message: None)
    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / f"warehouse-{dt.datetime.now():%Y%m%d-%H%M%S-%f}.duckdb"
    spill = path.with_suffix(".tmp")
    con = duckdb.connect(config={"memory_limit": BUILD_MEMORY_LIMIT, "temp_directory": str(spill)})
    try:
        con.execute(f"ATTACH {_quoted(path)} AS wh (STORAGE_VERSION '{STORAGE_VERSION}')")
        # Chunks land unsorted in a staging file on disk (bounded memory), then go sorted into wh.
        con.execute(f"ATTACH {_quoted(_staging(path))} AS staging")
        con.execute("USE wh")
        _load_base_tables(con, chunks, progress)
        con.execute("DETACH staging")
        _remove(_staging(path))
        _build_marts(con, source=source, inactive_after_days=inactive_after_days, progress=progress)
        _store_import_log(con, import_log)
        con.execute("CHECKPOINT wh")
        con.execute("USE memory")
        con.execute("DETACH wh")
    except BaseException:
        con.close()
        _remove(path)
        _remove(_staging(path))
        shutil.rmtree(spill, ignore_errors=True)
        raise
    con.close()
    shutil.rmtree(spill, ignore_errors=True)
    _point_to(data_dir, path)
    _remove_old_versions(data_dir, keep=path, versions=settings.get("keep_versions"))
    progress(1.0, "Warehouse ready")
    return path


def upgrade(data_dir: Path, progress: Progress | None = None) -> Path:
    """A new version of the current warehouse with this release's marts, built from its own base
    tables (and keeping its import warnings): for a warehouse built by an earlier release."""
    source = connect(current_path(data_dir))  # as the readers open it: one instance per file
    try:
        built = run(source, "SELECT source, inactive_after_days FROM warehouse_info").frame.iloc[0]
        log = source.cursor().sql("SELECT * FROM import_log").to_arrow_table()
        return build(_table_batches(source), data_dir, source=built["source"],
                     inactive_after_days=None if pd.isna(built["inactive_after_days"])
                     else int(built["inactive_after_days"]), progress=progress, import_log=log)
    finally:
        source.close()


def _table_batches(con, rows: int = 1_000_000):
    """(table, arrow table) chunks of every base table, a million rows at a time: bounded memory."""
    for name in base_tables():
        cursor = con.cursor()
        for batch in cursor.sql(f"SELECT * FROM {name}").to_arrow_reader(rows):
            yield name, pa.Table.from_batches([batch])
        cursor.close()


def _quoted(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"  # ATTACH takes no parameters


def _staging(path: Path) -> Path:
    return path.with_suffix(".staging")


def _load_base_tables(con, chunks, progress: Progress) -> None:
    con.execute((SQL_DIR / "schema.sql").read_text())
    tables = base_tables()
    for name in tables:  # staging copies without constraints, sorted into place below
        con.execute(f"CREATE TABLE staging.{name} AS SELECT * FROM wh.{name} LIMIT 0")
    for table, chunk in chunks:  # the chunks' producer reports its own progress
        con.register("chunk", chunk)
        con.execute(f"INSERT INTO staging.{table} BY NAME SELECT * FROM chunk")
        con.unregister("chunk")
    for i, name in enumerate(tables):
        progress(0.6 + 0.2 * i / len(tables), f"Sorting {name}")
        order = f" ORDER BY {SORT_KEYS[name]}" if name in SORT_KEYS else ""
        con.execute(f"INSERT INTO wh.{name} SELECT * FROM staging.{name}{order}")


def marts_version() -> str:
    """A fingerprint of the mart definitions: a warehouse built by other ones must be upgraded."""
    digest = hashlib.sha256()
    for path in mart_files():
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def _build_marts(con, *, source: str, inactive_after_days: int | None, progress: Progress) -> None:
    params = {"source": source, "built_at": dt.datetime.now(dt.timezone.utc).replace(tzinfo=None),
              "inactive_after_days": inactive_after_days, "marts_version": marts_version()}
    marts = mart_files()
    for i, path in enumerate(marts):
        progress(0.8 + 0.2 * i / len(marts), f"Building {path.stem.split('_', 1)[-1]}")
        sql = path.read_text()
        used = {name: value for name, value in params.items() if f"${name}" in sql}
        try:
            con.execute(sql, used or None)
        except duckdb.Error as error:
            raise WarehouseError(f"building mart {path.name} failed: {error}") from error


# Warnings of the import that built this version (empty for other builds); the Data page lists them.
IMPORT_LOG = ("CREATE TABLE import_log (file_name VARCHAR, row_number BIGINT, column_name VARCHAR, "
              "value VARCHAR, message VARCHAR)")


def _store_import_log(con, rows) -> None:
    con.execute(IMPORT_LOG)
    if rows is not None:
        con.register("log_rows", rows)
        con.execute("INSERT INTO import_log BY NAME SELECT * FROM log_rows")
        con.unregister("log_rows")


def _point_to(data_dir: Path, path: Path) -> None:
    tmp = data_dir / (POINTER_FILE + ".tmp")
    tmp.write_text(path.name + "\n")
    os.replace(tmp, data_dir / POINTER_FILE)  # atomic: readers see the old or the new name


def _remove_old_versions(data_dir: Path, keep: Path, versions: int) -> None:
    """Delete all but the newest `versions` old files; sessions may still read those."""
    old = sorted(p for p in data_dir.glob("warehouse-*.duckdb") if p != keep)
    for path in old[:-versions] if versions else old:
        _remove(path)


def _remove(path: Path) -> None:
    for p in (path, Path(str(path) + ".wal")):
        try:
            p.unlink()
        except FileNotFoundError:
            pass
        except PermissionError:  # still open elsewhere (Windows); try again next build
            pass


def current_path(data_dir: Path) -> Path | None:
    """The current warehouse file, or None when no warehouse was built yet."""
    try:
        name = (Path(data_dir) / POINTER_FILE).read_text().strip()
    except FileNotFoundError:
        return None
    path = Path(data_dir) / name
    return path if path.exists() else None


# --- reading --------------------------------------------------------------------------------

def connect(path: Path, memory_limit: str = READER_MEMORY_LIMIT, threads: int | None = None):
    """A read-only, locked-down connection to one warehouse version (share it; query via cursors)."""
    # Set at open time: a second connect to the same file in this process shares the instance.
    config = {"enable_external_access": False, "lock_configuration": True, "memory_limit": memory_limit}
    if threads:
        config["threads"] = threads
    return duckdb.connect(str(path), read_only=True, config=config)


@dataclass(frozen=True)
class Result:
    """What one query returned: the rows and how long the database took."""
    frame: pd.DataFrame
    seconds: float


class QueryError(CrmError):
    """The database refused or failed a query, or it passed a limit; the message says which."""


def run(con, sql: str, params: dict | None = None, timeout: float | None = None) -> Result:
    """Run one SELECT on a fresh cursor of a shared connection, interrupted after `timeout` seconds."""
    started = time.perf_counter()
    # Arrow, not .df(): much faster for large results; dates become pandas Timestamps.
    frame = fetch(con, sql, params, timeout=timeout).to_pandas(date_as_object=False)
    return Result(frame, time.perf_counter() - started)


def fetch(con, sql: str, params: dict | None = None, *, timeout: float | None = None,
          max_rows: int | None = None) -> pa.Table:
    """One SELECT's rows as Arrow, on a fresh cursor: interrupted after `timeout` seconds, and
    stopped as soon as it returns more than `max_rows` rows (the rows are streamed, so a runaway
    result is never held whole)."""
    cursor = con.cursor()
    timer = threading.Timer(timeout, cursor.interrupt) if timeout else None
    if timer:
        timer.start()
    try:
        relation = cursor.sql(sql, params=params or None)
        if max_rows is None:
            return relation.to_arrow_table()
        return _at_most(relation.to_arrow_reader(100_000), max_rows)
    except duckdb.Error as error:
        if timer and not timer.is_alive() and isinstance(error, duckdb.InterruptException):
            raise QueryError(f"stopped after {timeout:g} s (the query_timeout_seconds setting)") from error
        if isinstance(error, duckdb.OutOfMemoryException):
            raise QueryError("stopped: it needed more memory than a query may use (the query_memory_mb "
                             "setting); aggregate in SQL or narrow the period") from error
        raise QueryError(str(error)) from error
    finally:
        if timer:
            timer.cancel()
        cursor.close()


def _at_most(reader, max_rows: int) -> pa.Table:
    batches, rows = [], 0
    for batch in reader:
        rows += batch.num_rows
        if rows > max_rows:
            raise QueryError(f"stopped: it returns more than {max_rows:,} rows (the query_max_rows setting); "
                             "aggregate in SQL or add a LIMIT")
        batches.append(batch)
    return pa.Table.from_batches(batches, schema=reader.schema)


def is_outdated(con) -> bool:
    """True when this warehouse was built by other mart definitions (an earlier release)."""
    columns = set(run(con, "SELECT * FROM warehouse_info LIMIT 0").frame.columns)
    return "marts_version" not in columns or info(con)["marts_version"] != marts_version()


def info(con) -> dict:
    """The warehouse_info row as a dict: source, built_at, as_of and data_start_on (dates)."""
    row = run(con, "SELECT * FROM warehouse_info").frame.iloc[0].to_dict()
    return {**row, "as_of": row["as_of"].date(), "data_start_on": row["data_start_on"].date()}


# --- SQL safety: what a query file may do ---------------------------------------------------

ALLOWED_FUNCTIONS_FILE = SQL_DIR / "allowed_functions.txt"


@dataclass(frozen=True)
class Readable:
    """What query files may use in one warehouse (all names lower-case): its tables and views, its
    table macros, the functions on the allow-list plus its own scalar macros; and the names of the
    database's system views and table functions, which a CTE may not take (a CTE named like a
    system view would otherwise let the view through under its name)."""
    relations: frozenset[str]
    table_macros: frozenset[str]
    functions: frozenset[str]
    reserved: frozenset[str]


def allowed_functions() -> frozenset[str]:
    """The allow-list file's function names (a line is `group: names`, indented lines go on)."""
    names = []
    for line in ALLOWED_FUNCTIONS_FILE.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            names += line.split(":", 1)[1].split() if not line[0].isspace() else line.split()
    return frozenset(name.lower() for name in names)


def readable(con) -> Readable:
    """What a query file may read and call in this warehouse (crm/sql/marts/00_macros.sql defines its macros)."""
    relations = _names(con, "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'")
    macros = run(con, "SELECT lower(function_name) AS name, function_type FROM duckdb_functions() "
                      "WHERE NOT internal AND schema_name = 'main' AND function_type IN ('macro', 'table_macro')").frame
    catalog = _names(con, "SELECT view_name FROM duckdb_views() UNION ALL SELECT table_name FROM duckdb_tables() "
                          "UNION ALL SELECT function_name FROM duckdb_functions() "
                          "WHERE function_type IN ('table', 'table_macro')")
    table_macros = frozenset(macros.loc[macros["function_type"] == "table_macro", "name"])
    return Readable(relations=relations, table_macros=table_macros,
                    functions=allowed_functions() | set(macros.loc[macros["function_type"] == "macro", "name"]),
                    reserved=catalog - relations - table_macros)


def _names(con, sql: str) -> frozenset[str]:
    return frozenset(run(con, sql).frame.iloc[:, 0].str.lower())


def statement_problem(con, sql: str, allowed: Readable) -> str | None:
    """Why this SQL may not run as a query file, or None if it is a single allowed SELECT.

    Uses DuckDB's own parser (on a cursor of `con`: never the process-wide default connection,
    which every thread would share): one statement, a SELECT, reading only the warehouse's own
    tables, views and table macros by plain name, calling only allowed functions, with CTE names
    that shadow nothing.
    """
    cursor = con.cursor()
    try:
        parsed = json.loads(cursor.execute("SELECT json_serialize_sql(?::VARCHAR)", [sql]).fetchone()[0])
    except duckdb.Error as error:
        return f"could not be parsed: {error}"
    finally:
        cursor.close()
    if parsed.get("error"):
        if parsed.get("error_type") == "not implemented":
            return "is not a SELECT statement; a query file holds exactly one SELECT"
        message = parsed.get("error_message", "could not be parsed")
        if "position" in parsed:  # DuckDB gives a character offset: name the line
            message += f" (line {sql[:int(parsed['position'])].count(chr(10)) + 1})"
        return message
    statements = parsed["statements"]
    if len(statements) != 1:
        return f"holds {len(statements)} statements; a query file holds exactly one SELECT"
    ctes = set(_cte_names(statements[0]["node"]))
    if shadowing := sorted(ctes & allowed.reserved):
        return f"names a CTE {shadowing[0]!r} like a system view or function of the database; rename it"
    return _node_problem(statements[0]["node"], allowed, ctes)


def _cte_names(node):
    """Every CTE name declared anywhere in a parsed statement, lower-case."""
    if isinstance(node, list):
        for item in node:
            yield from _cte_names(item)
    elif isinstance(node, dict):
        if isinstance(node.get("cte_map"), dict):
            yield from (entry["key"].lower() for entry in node["cte_map"].get("map", []))
        for value in node.values():
            yield from _cte_names(value)


def _node_problem(node, allowed: Readable, ctes: set[str]) -> str | None:
    if isinstance(node, list):
        return next((p for n in node if (p := _node_problem(n, allowed, ctes))), None)
    if not isinstance(node, dict):
        return None
    kind = node.get("type")
    if kind == "SHOW_REF":
        return "uses DESCRIBE, SHOW or SUMMARIZE; select the columns you need from a table instead"
    if kind == "BASE_TABLE":
        name = node.get("table_name", "")
        if node.get("catalog_name") or node.get("schema_name"):
            return f"names table {name!r} with a database or schema prefix; use the plain table name"
        if name.lower() not in allowed.relations and name.lower() not in ctes:
            return f"reads unknown table {name!r}; query files read the warehouse's own tables and views"
    if kind == "TABLE_FUNCTION":
        function = node.get("function") or {}
        name = str(function.get("function_name", ""))
        if name.lower() not in allowed.table_macros or function.get("schema") or function.get("catalog"):
            return (f"uses a table function ({name}); query files may read only the warehouse's tables "
                    "and its table macros")
        return _node_problem(function.get("children"), allowed, ctes)  # the macro's arguments
    if node.get("class") in ("FUNCTION", "WINDOW") and "function_name" in node:
        name = str(node["function_name"])
        if node.get("schema") or node.get("catalog"):
            return f"calls {name}() with a prefix; call functions by their plain name, as {name}(...)"
        if name.lower() not in allowed.functions:
            return (f"calls {name}(), which query files may not use (see crm/sql/allowed_functions.txt "
                    "for the functions they may call)")
    return next((p for v in node.values() if (p := _node_problem(v, allowed, ctes))), None)
