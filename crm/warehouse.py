"""The warehouse: the only module that imports duckdb.

Each build writes a new versioned database file, checkpoints and closes it, then
atomically replaces a small pointer file (`current.txt`) naming it. Readers open the
pointed file read-only, so a rebuild never waits on (or breaks) sessions reading the old
version; old versions are deleted later. Reader connections are locked down (no external
access, configuration locked) and every query runs on its own cursor.
"""
from __future__ import annotations

import contextlib
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
import pyarrow.compute as pc

from crm import settings
from crm.errors import CrmError

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None

SQL_DIR = Path(__file__).parent / "sql"
POINTER_FILE = "current.txt"
# Written in an older storage format so analysts' DuckDB tools from 1.2 on can open the file
# (DuckDB 1.0 and 1.1 refuse it: file version 65 vs 64).
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


def mart_files() -> list[Path]:
    return sorted((SQL_DIR / "marts").glob("*.sql"))


# --- building -------------------------------------------------------------------------------
#
# Crash safety: a build writes `building-<stamp>.*` files, which no version scan ever picks up.
# Only when complete are they renamed, identities first, to `identities-<stamp>.duckdb` and
# `warehouse-<stamp>.duckdb`, and then the pointer flips. A build holds an exclusive lock on
# `build.lock` (released by the OS when the process dies, even by kill -9), so cleanup, which
# runs at the start and end of every build and when the app starts, never touches a running
# build's files. Cleanup never deletes the pointed-to version and deletes only complete versions
# older than it (beyond `keep_versions`); anything newer was never published.

BUILDING = "building-"
VERSION = "warehouse-"
IDENTITIES = "identities-"
LOCK_FILE = "build.lock"


def build(chunks: Iterable[tuple[str, object]], data_dir: Path, *, source: str,
          inactive_after_days: int | None = None, progress: Progress | None = None,
          import_log: object | None = None) -> Path:
    """Load (table, arrow table or DataFrame) chunks into a new warehouse version and make it current.

    Marts are built from the base tables; personal columns (personal_columns()) go to the version's
    identities file, never into the warehouse. `import_log` (arrow table or DataFrame with the
    IMPORT_LOG columns) holds the importer's warnings; without it the table stays empty.
    Until the pointer is replaced, readers keep the previous version; if anything fails (or the
    process is killed), the previous version stays current and the half-built files are debris
    that the next build or start removes.
    """
    progress = progress or (lambda fraction, message: None)
    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    with _exclusive(data_dir):
        _clean(data_dir)
        # UTC: names sort in build order (cleanup relies on it), with no daylight-saving step back.
        building = data_dir / f"{BUILDING}{dt.datetime.now(dt.timezone.utc):%Y%m%d-%H%M%S-%f}.duckdb"
        try:
            _write(chunks, building, source=source, inactive_after_days=inactive_after_days,
                   progress=progress, import_log=import_log)
        except BaseException:
            _remove_debris(data_dir, building.name.removesuffix(".duckdb"))
            raise
        path = _publish(data_dir, building)
        _clean(data_dir)
    progress(1.0, "Warehouse ready")
    return path


def _write(chunks, building: Path, *, source, inactive_after_days, progress, import_log) -> None:
    """Write the complete warehouse and identities files under their building- names."""
    spill = building.with_suffix(".tmp")
    con = duckdb.connect(config={"memory_limit": BUILD_MEMORY_LIMIT, "temp_directory": str(spill)})
    try:
        con.execute(f"ATTACH {_quoted(building)} AS wh (STORAGE_VERSION '{STORAGE_VERSION}')")
        con.execute(f"ATTACH {_quoted(_building_identities(building))} AS ids (STORAGE_VERSION '{STORAGE_VERSION}')")
        # Chunks land unsorted in a staging file on disk (bounded memory), then go sorted into wh.
        con.execute(f"ATTACH {_quoted(building.with_suffix('.staging'))} AS staging")
        con.execute("USE wh")
        _load_base_tables(con, chunks, progress)
        con.execute("DETACH staging")
        _remove(building.with_suffix(".staging"))
        _build_marts(con, source=source, inactive_after_days=inactive_after_days, progress=progress)
        _store_import_log(con, import_log)
        con.execute("CHECKPOINT wh")
        con.execute("CHECKPOINT ids")
        con.execute("USE memory")
        con.execute("DETACH wh")
        con.execute("DETACH ids")
    finally:
        con.close()
        shutil.rmtree(spill, ignore_errors=True)


def _publish(data_dir: Path, building: Path) -> Path:
    """Rename the complete files to their version names (identities first), then flip the pointer."""
    path = data_dir / (VERSION + building.name.removeprefix(BUILDING))
    os.replace(_building_identities(building), identities_path(path))
    _sync_dir(data_dir)
    os.replace(building, path)
    _sync_dir(data_dir)
    _point_to(data_dir, path)
    return path


def _building_identities(building: Path) -> Path:
    return building.with_suffix(".identities.duckdb")


def identities_path(version: Path) -> Path:
    """The identities file of a warehouse version: warehouse-<stamp>.duckdb -> identities-<stamp>.duckdb."""
    return version.with_name(IDENTITIES + version.name.removeprefix(VERSION))


def upgrade(data_dir: Path, progress: Progress | None = None) -> Path:
    """A new version of the current warehouse with this release's schema and marts, built from its
    own base tables and identities (and keeping its import warnings): for a warehouse built by an
    earlier release, whose customers table may still hold the personal columns."""
    current = current_path(data_dir)
    source = connect(current)  # as the readers open it: one instance per file
    try:
        built = run(source, "SELECT source, inactive_after_days FROM warehouse_info").frame.iloc[0]
        log = source.cursor().sql("SELECT * FROM import_log").to_arrow_table()
        return build(_table_batches(source, identities_path(current)), data_dir, source=built["source"],
                     inactive_after_days=None if pd.isna(built["inactive_after_days"])
                     else int(built["inactive_after_days"]), progress=progress, import_log=log)
    finally:
        source.close()


def _table_batches(con, identities: Path, rows: int = 1_000_000):
    """(table, arrow table) chunks of every base table, a million rows at a time: bounded memory.
    Personal columns come from the identities file when the table no longer holds them."""
    personal = personal_columns()
    for name in base_tables():
        cursor = con.cursor()
        people = None
        for batch in cursor.sql(f"SELECT * FROM {name}").to_arrow_reader(rows):
            chunk = pa.Table.from_batches([batch])
            if personal.get(name) and personal[name][0] not in chunk.column_names:
                people = people if people is not None else _whole_identities(identities, name)
                chunk = _with_identity_columns(chunk, people, personal[name])
            yield name, chunk
        cursor.close()


def _whole_identities(identities: Path, table: str) -> pa.Table | None:
    if not identities.exists():
        return None
    con = _open_identities(identities)
    try:
        return con.sql(f"SELECT * FROM {table}").to_arrow_table()
    finally:
        con.close()


def _with_identity_columns(chunk: pa.Table, people: pa.Table | None, columns: list[str]) -> pa.Table:
    """The chunk with the personal columns looked up by its id column, rows in their order."""
    key = chunk.column_names[0]
    positions = pc.index_in(chunk[key], value_set=people[key]) if people is not None else None
    for column in columns:
        values = pc.take(people[column], positions) if people is not None else pa.nulls(chunk.num_rows, pa.string())
        chunk = chunk.append_column(column, values)
    return chunk


def _quoted(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"  # ATTACH takes no parameters


def _schema_tables() -> list[tuple[str, str]]:
    return re.findall(r"CREATE TABLE (\w+) \((.*?)\n\);", (SQL_DIR / "schema.sql").read_text(), re.S)


def base_tables() -> dict[str, list[str]]:
    """Base tables of the import contract and their columns, read from schema.sql."""
    return {name: re.findall(r"^\s+(\w+)\s+[A-Z]", body, re.M) for name, body in _schema_tables()}


PERSONAL_MARK = "-- personal data"


def personal_columns() -> dict[str, list[str]]:
    """The one list of personal columns: those marked `-- personal data` in schema.sql, by table.
    They are imported with their table but stored only in the identities file."""
    found = {}
    for name, body in _schema_tables():
        marked = [m.group(1) for line in body.splitlines()
                  if PERSONAL_MARK in line and (m := re.match(r"\s+(\w+)\s+[A-Z]", line))]
        if marked:
            found[name] = marked
    return found


def identity_columns(table: str) -> list[str]:
    """What the identities file holds for a table: its id (first column), its personal columns and,
    where the table has it, consent (the profile's part that decides downloads)."""
    columns = base_tables()[table]
    return [columns[0], *personal_columns()[table], *(["consent"] if "consent" in columns else [])]


def _load_base_tables(con, chunks, progress: Progress) -> None:
    con.execute((SQL_DIR / "schema.sql").read_text())
    tables = base_tables()
    personal = personal_columns()
    for name in tables:  # staging copies of the whole contract, without constraints
        con.execute(f"CREATE TABLE staging.{name} AS SELECT * FROM wh.{name} LIMIT 0")
    for name, columns in personal.items():  # personal columns never enter the warehouse
        for column in columns:
            con.execute(f"ALTER TABLE wh.{name} DROP COLUMN {column}")
    for table, chunk in chunks:  # the chunks' producer reports its own progress
        con.register("chunk", chunk)
        con.execute(f"INSERT INTO staging.{table} BY NAME SELECT * FROM chunk")
        con.unregister("chunk")
    for i, name in enumerate(tables):
        progress(0.6 + 0.2 * i / len(tables), f"Sorting {name}")
        order = f" ORDER BY {SORT_KEYS[name]}" if name in SORT_KEYS else ""
        kept = ", ".join(c for c in tables[name] if c not in personal.get(name, ()))
        con.execute(f"INSERT INTO wh.{name} SELECT {kept} FROM staging.{name}{order}")
    for name in personal:
        columns = identity_columns(name)
        con.execute(f"CREATE TABLE ids.{name} AS SELECT {', '.join(columns)} FROM staging.{name} ORDER BY {columns[0]}")


def marts_version() -> str:
    """A fingerprint of the schema and mart definitions: a warehouse built by other ones must be upgraded."""
    digest = hashlib.sha256()
    for path in [SQL_DIR / "schema.sql", *mart_files()]:
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
    with open(tmp, "w") as pointer:
        pointer.write(path.name + "\n")
        pointer.flush()
        os.fsync(pointer.fileno())
    os.replace(tmp, data_dir / POINTER_FILE)  # atomic: readers see the old or the new name
    _sync_dir(data_dir)


def _sync_dir(folder: Path) -> None:
    """Make renames in the folder durable (a no-op where folders cannot be opened, e.g. Windows)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


# --- versions and debris ---------------------------------------------------------------------

@contextlib.contextmanager
def _exclusive(data_dir: Path, wait: bool = True):
    """Hold the data folder's build lock; yields False (without waiting) when another build holds it
    and wait is False. The OS releases the lock when the holder dies."""
    with open(Path(data_dir) / LOCK_FILE, "a+") as lock:
        if fcntl is None:  # no flock (Windows): builds are not serialised between processes
            yield True
            return
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def clean_debris(data_dir: Path) -> list[str]:
    """What killed builds left behind, removed now unless a build is running; the names removed."""
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        return []
    with _exclusive(data_dir, wait=False) as locked:
        return _clean(data_dir) if locked else []


def _clean(data_dir: Path) -> list[str]:
    """Remove debris and old versions (the build lock held). Never the current version; of the complete
    versions older than it, `keep_versions` stay for sessions still reading them; versions newer than
    it were never published (a build killed between rename and pointer flip)."""
    removed: list[str] = []
    current = current_path(data_dir)
    for path in [*data_dir.glob(BUILDING + "*"), *data_dir.glob("*.staging"),
                 data_dir / (POINTER_FILE + ".tmp")]:
        removed += _delete(path)
    versions = sorted(data_dir.glob(VERSION + "*.duckdb"))
    if current is not None:
        older = [v for v in versions if v.name < current.name]
        keep = settings.get("keep_versions")
        doomed = (older[:-keep] if keep else older) + [v for v in versions if v.name > current.name]
        for version in doomed:  # the warehouse first: a version never lacks its identities
            removed += _delete(version) + _delete(identities_path(version))
    alive = {p.name for p in data_dir.glob(VERSION + "*.duckdb")}
    for path in [*data_dir.glob(IDENTITIES + "*"), *data_dir.glob(VERSION + "*")]:
        owner = VERSION + path.name.removeprefix(IDENTITIES).removeprefix(VERSION).split(".duckdb")[0] + ".duckdb"
        if owner not in alive:  # an identities file, .wal or spill folder of a version that is gone
            removed += _delete(path)
    return removed


def _remove_debris(data_dir: Path, stem: str) -> None:
    """Best effort after a failed build: its own building- files."""
    for path in data_dir.glob(stem + "*"):
        _delete(path)


def _delete(path: Path) -> list[str]:
    """Remove a file (with its .wal) or a spill folder; the names removed."""
    removed = []
    for p in (path, Path(str(path) + ".wal"), Path(str(path) + ".tmp")):
        try:
            if p.is_dir():
                shutil.rmtree(p)
            else:
                p.unlink()
            removed.append(p.name)
        except FileNotFoundError:
            pass
        except PermissionError:  # still open elsewhere (Windows); try again next build
            pass
    return removed


def _remove(path: Path) -> None:
    _delete(path)


def current_path(data_dir: Path) -> Path | None:
    """The current warehouse file, or None when no warehouse was built yet."""
    try:
        name = (Path(data_dir) / POINTER_FILE).read_text().strip()
    except FileNotFoundError:
        return None
    path = Path(data_dir) / name
    return path if name and path.exists() else None


# --- identities: personal data, apart from the warehouse ----------------------------------------
#
# Query files run on connections to the warehouse file only (external access off, no ATTACH), so
# nothing in them can reach this file. The app reads it here, and crm.data calls these functions
# only for users whose role has the personal-data right.

def _open_identities(path: Path):
    return duckdb.connect(str(path), read_only=True,
                          config={"enable_external_access": False, "lock_configuration": True,
                                  "memory_limit": "256MB"})


def read_identities(version: Path, ids) -> pd.DataFrame:
    """Names, e-mails and consent of these customers, from the identities file of a warehouse version."""
    columns = identity_columns("customers")
    path = identities_path(Path(version))
    ids = [str(i) for i in dict.fromkeys(ids) if i is not None and not pd.isna(i)]
    if not ids or not path.exists():
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    con = _open_identities(path)
    try:
        return con.sql(f"SELECT {', '.join('c.' + c for c in columns)} "
                       "FROM (SELECT unnest($ids) AS customer_id) q JOIN customers c USING (customer_id)",
                       params={"ids": ids}).to_arrow_table().to_pandas()
    finally:
        con.close()


def find_identities(version: Path, text: str) -> list[str]:
    """Ids of the customers whose personal data (name, e-mail) holds the text, ignoring case and accents."""
    path = identities_path(Path(version))
    columns = personal_columns()["customers"]
    if not text.strip() or not path.exists():
        return []
    found = " OR ".join(f"contains(strip_accents(lower(coalesce({c}, ''))), strip_accents(lower($text)))"
                        for c in columns)
    con = _open_identities(path)
    try:
        rows = con.execute(f"SELECT customer_id FROM customers WHERE {found} ORDER BY customer_id",
                           {"text": text.strip()}).fetchall()
    finally:
        con.close()
    return [row[0] for row in rows]


def consenting(version: Path, ids) -> set[str]:
    """The ids among these whose customers gave consent (reads the consent column only)."""
    path = identities_path(Path(version))
    ids = [str(i) for i in dict.fromkeys(ids) if i is not None and not pd.isna(i)]
    if not ids or not path.exists():
        return set()
    con = _open_identities(path)
    try:
        rows = con.execute("SELECT c.customer_id FROM (SELECT unnest($ids) AS customer_id) q "
                           "JOIN customers c USING (customer_id) WHERE c.consent", {"ids": ids}).fetchall()
    finally:
        con.close()
    return {row[0] for row in rows}


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
