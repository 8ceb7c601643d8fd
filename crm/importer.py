"""Import a company's own CRM exports: read, validate, normalise, then build a warehouse version.

A folder holds one file per base table (crm/sql/schema.sql is the contract), CSV (UTF-8, with
or without BOM; comma, semicolon, tab or pipe separated) or Parquet, named after the table:
`customers.csv` (required), `orders.parquet`, ... Column names match ignoring case and
surrounding spaces; unknown columns are ignored and reported.

Everything is read and checked BEFORE the build, so a refused import never touches the
warehouse being served; a good one goes through `warehouse.build`, which swaps the pointer
only at the end. Errors name file, row, column and value and refuse the whole import;
warnings (unknown channels, future dates, negative amounts, defaults applied, ignored columns) are stored with
the build in the `import_log` table, which the Data page shows.

Rows are numbered as a spreadsheet shows them: in a CSV file the header is row 1, so the
first data row is row 2; in a Parquet file the first data row is row 1.
"""
from __future__ import annotations

import csv
import datetime as dt
import functools
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv
import pyarrow.parquet as pq

from crm import demo, warehouse
from crm.errors import CrmError

ERRORS_PER_FILE = 20          # collected per file before giving up on it
VALUES_PER_WARNING = 10       # distinct unknown values listed per column
SUFFIXES = (".csv", ".parquet")
REQUIRED_TABLES = ("customers",)
# Minimal exports: these customer columns may be missing or blank.
DEFAULTS = {"customers": {"segment": "Unknown", "region": "Unknown", "country": "Unknown", "channel": "Unknown"}}
DERIVED = {"customers": {"acquired_on"}}   # blank = the customer's first order
IDS = {"customers": "customer_id", "leads": "lead_id", "orders": "order_id", "interactions": "interaction_id",
       "complaints": "complaint_id", "surveys": "survey_id", "staff": "employee_id"}
RANGES = {("surveys", "nps_score"): (0, 10), ("surveys", "csat_score"): (1, 5)}
# Below zero is possible but worth a look: imported as it is, with a warning in import_log. An order
# of a negative amount is usually a refund or credit note, and refusing it would drop real money
# from revenue; a negative cost or course hours is more likely an export error.
NOT_NEGATIVE = {("orders", "amount"): "is negative: a refund or credit note? imported as it is; it lowers revenue",
                ("channel_costs", "acquisition_cost"): "is negative; imported as it is",
                ("channel_costs", "service_cost"): "is negative; imported as it is",
                ("training", "hours"): "is negative; imported as it is"}
TRUE, FALSE = ("true", "t", "yes", "y", "1"), ("false", "f", "no", "n", "0")
PERSONAL = {column for columns in warehouse.personal_columns().values() for column in columns}

Say = Callable[[str], None]


# --- the contract -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Column:
    name: str
    sql_type: str       # VARCHAR, DATE, TIMESTAMP, DOUBLE, INTEGER or BOOLEAN
    required: bool      # NOT NULL in schema.sql


ARROW_TYPES = {"VARCHAR": pa.string(), "DATE": pa.date32(), "TIMESTAMP": pa.timestamp("us"),
               "DOUBLE": pa.float64(), "INTEGER": pa.int32(), "BOOLEAN": pa.bool_()}
HINTS = {"DATE": "is not a date (expected YYYY-MM-DD)",
         "TIMESTAMP": "is not a date and time (expected YYYY-MM-DD HH:MM:SS)",
         "DOUBLE": "is not a number (expected digits with a decimal point, e.g. 1234.50)",
         "INTEGER": "is not a whole number",
         "BOOLEAN": f"is not true or false (expected one of {', '.join(TRUE + FALSE)})"}


@functools.cache
def contract() -> dict[str, dict[str, Column]]:
    """Every base table's columns with their type and whether a value is required, from schema.sql."""
    tables = {}
    for table, body in re.findall(r"CREATE TABLE (\w+) \((.*?)\n\);", (warehouse.SQL_DIR / "schema.sql").read_text(),
                                  re.S):
        tables[table] = {name: Column(name, sql_type, bool(not_null))
                         for name, sql_type, not_null in re.findall(r"^\s+(\w+)\s+([A-Z]+)( NOT NULL)?", body, re.M)}
    return tables


def must_be_given(table: str, column: Column) -> bool:
    """A column the file must have: required in the schema and neither defaulted nor derived."""
    return column.required and column.name not in DEFAULTS.get(table, {}) and column.name not in DERIVED.get(table, ())


# --- problems -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Problem:
    """One error or warning, located as precisely as known."""
    file: str
    message: str
    row: int | None = None
    column: str | None = None
    value: str | None = None

    def __str__(self) -> str:
        where = ", ".join([self.file] + ([f"row {self.row:,}"] if self.row else [])
                          + ([f"column {self.column}"] if self.column else []))
        return f"{where}: {self.value!r} {self.message}" if self.value is not None else f"{where}: {self.message}"


class ImportRefused(CrmError):
    """The files have errors; nothing was built and the current warehouse is unchanged."""

    def __init__(self, errors: list[Problem]):
        self.errors = errors
        super().__init__(f"{len(errors)} error(s) in the files; the current warehouse is unchanged")


@dataclass
class Problems:
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    _per_file: dict[str, int] = field(default_factory=dict)
    _cut_short: set[str] = field(default_factory=set)   # files with more errors than listed

    def error(self, file: str, message: str, row=None, column=None, value=None) -> None:
        if self.full(file):
            self._cut_short.add(file)
            return
        self._per_file[file] = self._per_file.get(file, 0) + 1
        self.errors.append(Problem(file, message, row, column, None if value is None else str(value)))

    def warn(self, file: str, message: str, row=None, column=None, value=None) -> None:
        if column in PERSONAL:  # warnings go into the warehouse, which holds no personal data
            value = None
        self.warnings.append(Problem(file, message, row, column, None if value is None else str(value)))

    def full(self, file: str) -> bool:
        return self._per_file.get(file, 0) >= ERRORS_PER_FILE

    def all_errors(self) -> list[Problem]:
        """The errors, with a closing line per file whose further errors were not listed."""
        more = [Problem(file, f"has more errors, not listed (only the first {ERRORS_PER_FILE} per file are shown)")
                for file in sorted(self._cut_short)]
        return self.errors + more


# --- reading files ------------------------------------------------------------------------------

@dataclass
class Source:
    """One file's columns as text (or typed, from Parquet), keyed by contract column name."""
    file: str
    first_row: int                     # row number of the first data row (2 in CSV, 1 in Parquet)
    columns: dict[str, pa.ChunkedArray]
    rows: int

    def row(self, index: int) -> int:
        return self.first_row + int(index)


def find_files(folder: Path, problems: Problems) -> dict[str, Path]:
    """The file of each base table in the folder; other files are reported and ignored."""
    found: dict[str, Path] = {}
    tables = contract()
    for path in sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")):
        table = path.stem.strip().lower()
        if path.suffix.lower() not in SUFFIXES or table not in tables:
            problems.warn(path.name, "is not a file of the import contract (a table name with .csv or .parquet); "
                                     "ignored")
        elif table in found:
            problems.error(path.name, f"holds table {table} again (also in {found[table].name}); keep one file")
        else:
            found[table] = path
    for table in REQUIRED_TABLES:
        if table not in found:
            problems.error(f"{table}.csv", f"is missing: every import needs a {table} file (.csv or .parquet)")
    return found


def read_source(path: Path, table: str, problems: Problems) -> Source | None:
    """Read a CSV or Parquet file; None when it cannot be read at all (the problem is recorded)."""
    if path.stat().st_size == 0:
        problems.error(path.name, "is empty")
        return None
    reader = _read_parquet if path.suffix.lower() == ".parquet" else _read_csv
    source = reader(path, table, problems)
    if source is not None and source.rows == 0:
        problems.error(path.name, "has no data rows; leave the file out instead")
        return None
    return source


def _match_columns(file: str, names: list[str], table: str, problems: Problems) -> dict[str, str] | None:
    """Map contract column -> the file's own column name; report unknown, duplicate and missing columns."""
    columns = contract()[table]
    matched: dict[str, str] = {}
    for raw in names:
        name = raw.strip().lower()
        if name in matched:
            problems.error(file, f"has the column {name} twice ({matched[name]!r} and {raw!r})", column=name)
        elif name in columns:
            matched[name] = raw
        else:
            problems.warn(file, "is not a column of the contract; ignored", column=raw.strip() or "(blank)")
    missing = [c.name for c in columns.values() if must_be_given(table, c) and c.name not in matched]
    for name in missing:
        problems.error(file, f"is a required column of {table} and is missing (found: {', '.join(names)})",
                       column=name)
    return None if missing or problems.full(file) else matched


def _read_csv(path: Path, table: str, problems: Problems) -> Source | None:
    header = _csv_header(path, problems)
    if header is None:
        return None
    names, delimiter = header
    matched = _match_columns(path.name, names, table, problems)
    if matched is None:
        return None
    invalid: list = []

    def on_invalid_row(row) -> str:
        invalid.append(row)
        return "skip"

    def read(threads: bool) -> pa.Table:
        return pcsv.read_csv(
            path, read_options=pcsv.ReadOptions(use_threads=threads),
            parse_options=pcsv.ParseOptions(delimiter=delimiter, newlines_in_values=True,
                                            invalid_row_handler=on_invalid_row),
            convert_options=pcsv.ConvertOptions(
                include_columns=list(matched.values()), column_types={raw: pa.string() for raw in matched.values()},
                strings_can_be_null=True, null_values=[""]))
    try:
        data = read(threads=True)
        if invalid:  # row numbers are known only when reading on one thread
            invalid.clear()
            read(threads=False)
    except pa.ArrowInvalid as error:
        if "UTF8" in str(error):
            _report_not_utf8(path, delimiter, names, problems)
        else:
            problems.error(path.name, f"cannot be read as CSV: {error}")
        return None
    if invalid:
        for row in invalid:
            problems.error(path.name, f"has {row.actual_columns} fields where the header has {row.expected_columns}"
                                      " (a stray separator or quote?)", row=row.number, value=row.text[:80])
        return None
    columns = {name: data.column(raw) for name, raw in matched.items()}
    return Source(path.name, 2, columns, data.num_rows)


def _csv_header(path: Path, problems: Problems) -> tuple[list[str], str] | None:
    """The header's column names and the separator (the most frequent of , ; tab |)."""
    with path.open("rb") as file:
        first_line = file.readline(1 << 20).rstrip(b"\r\n")
    try:
        text = first_line.decode("utf-8-sig")
    except UnicodeDecodeError:
        _report_not_utf8(path, ",", [], problems)
        return None
    if not text.strip():
        problems.error(path.name, "is empty (no header on the first line)", row=1)
        return None
    delimiter = max(",;\t|", key=text.count)
    return next(csv.reader([text], delimiter=delimiter)), delimiter


def _report_not_utf8(path: Path, delimiter: str, names: list[str], problems: Problems) -> None:
    """Name the row, column and value of the first byte that is not UTF-8."""
    data = path.read_bytes()  # only on this error path
    try:
        data.decode("utf-8")
        problems.error(path.name, "is not UTF-8 text")
        return
    except UnicodeDecodeError as error:
        offset = error.start
    line_start = data.rfind(b"\n", 0, offset) + 1
    line_end = data.find(b"\n", offset)
    line = data[line_start:line_end if line_end >= 0 else len(data)]
    field_index = line[:offset - line_start].count(delimiter.encode())
    fields = line.split(delimiter.encode())
    value = fields[field_index].decode("utf-8", "replace").strip().strip('"') if field_index < len(fields) else ""
    column = names[field_index].strip() if field_index < len(names) else None
    problems.error(path.name, f"holds byte 0x{data[offset]:02x}, which is not UTF-8: save the file as UTF-8 "
                              "(\"CSV UTF-8\" in spreadsheet programs)", row=data.count(b"\n", 0, offset) + 1,
                   column=column, value=value)


def _read_parquet(path: Path, table: str, problems: Problems) -> Source | None:
    try:
        schema = pq.read_schema(path)
    except (pa.ArrowException, OSError) as error:
        problems.error(path.name, f"cannot be read as Parquet: {error}")
        return None
    matched = _match_columns(path.name, schema.names, table, problems)
    if matched is None:
        return None
    unsupported = [(name, raw) for name, raw in matched.items() if not _importable(schema.field(raw).type)]
    for name, raw in unsupported:
        problems.error(path.name, f"has type {schema.field(raw).type}, which cannot be imported: save it as a "
                                  f"plain {contract()[table][name].sql_type.lower()} column (no lists, structs or "
                                  "maps)", column=name)
    if unsupported:
        return None
    try:
        data = pq.read_table(path, columns=list(matched.values()))
    except (pa.ArrowException, OSError) as error:
        problems.error(path.name, f"cannot be read as Parquet: {error}")
        return None
    return Source(path.name, 1, {name: data.column(raw) for name, raw in matched.items()}, data.num_rows)


def _importable(kind: pa.DataType) -> bool:
    """A Parquet column type the importer can turn into a contract column: flat text, numbers,
    true/false, dates and times (dictionary-encoded ones too); never lists, structs, maps, binary."""
    if pa.types.is_dictionary(kind):
        kind = kind.value_type
    return any(check(kind) for check in (pa.types.is_string, pa.types.is_large_string, pa.types.is_integer,
                                         pa.types.is_floating, pa.types.is_decimal, pa.types.is_boolean,
                                         pa.types.is_date, pa.types.is_timestamp, pa.types.is_null))


# --- converting and checking one table ----------------------------------------------------------

def _as_text(values: pa.ChunkedArray) -> pa.ChunkedArray:
    """Trimmed text with blanks as nulls."""
    if pa.types.is_dictionary(values.type):
        values = values.cast(values.type.value_type)
    if not pa.types.is_string(values.type):
        values = values.cast(pa.string())
    values = pc.utf8_trim_whitespace(values)
    blank = pc.equal(values, "")
    return pc.if_else(blank, pa.scalar(None, pa.string()), values) if pc.any(blank).as_py() else values


def _converter(sql_type: str) -> Callable[[pa.ChunkedArray], pa.ChunkedArray]:
    """A function text -> typed values that raises pa.ArrowInvalid if any value does not parse."""
    target = ARROW_TYPES[sql_type]
    if sql_type == "DATE":
        def convert(values):
            try:
                return values.cast(target)
            except pa.ArrowInvalid:  # a date with a time of day: keep the date
                return values.cast(pa.timestamp("us")).cast(target)
        return convert
    if sql_type == "DOUBLE":
        def convert(values):
            numbers = values.cast(target)
            if pc.any(pc.invert(pc.is_finite(numbers))).as_py():  # nan, inf
                raise pa.ArrowInvalid("not a finite number")
            return numbers
        return convert
    if sql_type == "BOOLEAN":
        def convert(values):
            lower = pc.utf8_lower(values)
            given = pc.is_valid(lower)
            if pc.any(pc.and_(given, pc.invert(pc.is_in(lower, value_set=pa.array(TRUE + FALSE))))).as_py():
                raise pa.ArrowInvalid("not true or false")
            return pc.if_else(given, pc.is_in(lower, value_set=pa.array(TRUE)), pa.scalar(None, pa.bool_()))
        return convert
    return lambda values: values.cast(target)


def _bad_positions(values: pa.ChunkedArray, convert, limit: int) -> list[int]:
    """Positions of the first `limit` values that do not convert, found by halving (fast on big columns)."""
    found: list[int] = []

    def search(offset: int, length: int) -> None:
        if len(found) >= limit or length == 0:
            return
        try:
            convert(values.slice(offset, length))
            return
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            pass
        if length == 1:
            found.append(offset)
            return
        search(offset, length // 2)
        search(offset + length // 2, length - length // 2)

    search(0, len(values))
    return found


def _positions(mask) -> np.ndarray:
    return np.flatnonzero(pc.fill_null(mask, False).to_numpy(zero_copy_only=False))


def convert_table(source: Source, table: str, problems: Problems) -> pa.Table:
    """The source's columns typed as the contract says; a blank required value or one that does not
    parse is an error."""
    columns = {}
    for name, column in contract()[table].items():
        if name not in source.columns:
            continue
        values = source.columns[name]
        target = ARROW_TYPES[column.sql_type]
        if values.type != target and not pa.types.is_string(values.type):
            try:  # a typed Parquet column: cast it as it is
                values = values.cast(target)
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
                pass
        text = _as_text(values) if values.type != target or column.sql_type == "VARCHAR" else None
        if must_be_given(table, column):  # before parsing: a value that does not parse is not also "empty"
            for index in _positions(pc.is_null(values if text is None else text))[:ERRORS_PER_FILE + 1]:
                problems.error(source.file, "is empty; a value is required", row=source.row(index), column=name)
        columns[name] = values if text is None else _typed(source, name, column.sql_type, text, problems)
    return pa.table(columns)


def _typed(source: Source, name: str, sql_type: str, text: pa.ChunkedArray, problems: Problems) -> pa.ChunkedArray:
    convert = _converter(sql_type)
    try:
        return convert(text)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        pass
    bad = _bad_positions(text, convert, ERRORS_PER_FILE + 1)
    for index in bad:
        problems.error(source.file, HINTS[sql_type], row=source.row(index), column=name, value=text[index].as_py())
    keep = np.ones(len(text), dtype=bool)
    keep[bad] = False  # go on checking the rest of the file with the bad values left blank
    try:
        return convert(pc.if_else(pa.array(keep), text, pa.scalar(None, pa.string())))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):  # more bad values than listed
        return pa.chunked_array([pa.nulls(len(text), ARROW_TYPES[sql_type])])


def check_table(source: Source, table: str, data: pa.Table, problems: Problems, today: dt.date) -> None:
    """Errors: duplicate ids, values out of range. Warnings: unknown channels, future dates."""
    if (id_column := IDS.get(table)) and id_column in data.column_names:
        _check_unique(source, id_column, data[id_column], problems)
    for (range_table, name), (low, high) in RANGES.items():
        if range_table == table and name in data.column_names:
            outside = pc.or_(pc.less(data[name], low), pc.greater(data[name], high))
            for index in _positions(outside)[:ERRORS_PER_FILE + 1]:
                problems.error(source.file, f"is outside {low}..{high}", row=source.row(index), column=name,
                               value=data[name][index].as_py())
    for (negative_table, name), message in NOT_NEGATIVE.items():
        if negative_table == table and name in data.column_names:
            _warn_negative(source, name, data[name], message, problems)
    if "channel" in data.column_names:
        _warn_unknown_channels(source, data["channel"], problems)
    for name, column in contract()[table].items():  # targets are plans: their dates may lie ahead
        if column.sql_type in ("DATE", "TIMESTAMP") and name in data.column_names and table != "targets":
            _warn_future(source, name, data[name], today, problems)


def _check_unique(source: Source, name: str, ids: pa.ChunkedArray, problems: Problems) -> None:
    if ids.null_count == 0 and pc.all(pc.greater(ids.slice(1), ids.slice(0, len(ids) - 1))).as_py() in (True, None):
        return  # strictly increasing, as exports often are: unique, and much faster to see than hashing
    if pc.count_distinct(ids).as_py() == len(ids) - ids.null_count:
        return
    counts = pc.value_counts(ids)
    repeated = counts.field("values").filter(pc.greater(counts.field("counts"), 1))
    first_seen: dict[str, int] = {}
    for index in _positions(pc.is_in(ids, value_set=repeated)):
        value = ids[index].as_py()
        if value in first_seen:
            problems.error(source.file, f"is a duplicate id (first on row {source.row(first_seen[value]):,})",
                           row=source.row(index), column=name, value=value)
            if problems.full(source.file):
                return
        else:
            first_seen[value] = index


def _warn_negative(source: Source, name: str, values: pa.ChunkedArray, message: str, problems: Problems) -> None:
    """One warning per row below zero (up to VALUES_PER_WARNING), then one for the rest."""
    negative = _positions(pc.less(values, 0))
    for index in negative[:VALUES_PER_WARNING]:
        problems.warn(source.file, message, row=source.row(index), column=name, value=values[int(index)].as_py())
    if len(negative) > VALUES_PER_WARNING:
        problems.warn(source.file, f"is negative on {len(negative) - VALUES_PER_WARNING:,} more row(s), not listed",
                      column=name)


def _warn_unknown_channels(source: Source, channels: pa.ChunkedArray, problems: Problems) -> None:
    unknown = pc.and_(pc.is_valid(channels), pc.invert(pc.is_in(channels, value_set=pa.array(demo.CHANNELS))))
    if not pc.any(unknown).as_py():
        return
    counts = pc.value_counts(channels.filter(unknown)).to_pylist()
    counts.sort(key=lambda entry: -entry["counts"])
    for entry in counts[:VALUES_PER_WARNING]:
        first = pc.index(channels, entry["values"]).as_py()
        problems.warn(source.file, f"is not a known channel: {entry['counts']:,} row(s), the first shown; imported "
                                   f"as it is (known: {', '.join(demo.CHANNELS)})", row=source.row(first),
                      column="channel", value=entry["values"])
    if len(counts) > VALUES_PER_WARNING:
        problems.warn(source.file, f"{len(counts) - VALUES_PER_WARNING} other unknown channel value(s)",
                      column="channel")


def _warn_future(source: Source, name: str, values: pa.ChunkedArray, today: dt.date, problems: Problems) -> None:
    days = values.cast(pa.date32()) if pa.types.is_timestamp(values.type) else values
    future = pc.greater(days, pa.scalar(today, pa.date32()))
    count = pc.sum(future).as_py() or 0
    if count:
        first = int(_positions(future)[0])
        problems.warn(source.file, f"is after today ({today}): {count:,} row(s), the first shown; the as-of date "
                                   "(the latest date in the data) lies in the future", row=source.row(first),
                      column=name, value=values[first].as_py())


# --- across tables ------------------------------------------------------------------------------

def check_customer_references(sources: dict[str, Source], tables: dict[str, pa.Table], problems: Problems) -> None:
    """Every customer_id in another table must be a customer of the customers file."""
    known = tables["customers"]["customer_id"]
    for table, data in tables.items():
        if table == "customers" or "customer_id" not in data.column_names:
            continue
        ids = data["customer_id"]
        unknown = pc.and_(pc.is_valid(ids), pc.invert(pc.is_in(ids, value_set=known)))
        for index in _positions(unknown)[:ERRORS_PER_FILE + 1]:
            problems.error(sources[table].file, f"is not a customer in {sources['customers'].file}",
                           row=sources[table].row(index), column="customer_id", value=ids[index].as_py())


def complete_customers(source: Source, customers: pa.Table, orders: pa.Table | None,
                       problems: Problems) -> pa.Table:
    """Apply the defaults of minimal exports: 'Unknown' segment/region/country/channel, acquired_on from the
    first order; then check that lost_on is not before acquired_on."""
    for name, default in DEFAULTS["customers"].items():
        if name not in customers.column_names:
            problems.warn(source.file, f"is missing; every customer's {name} is {default!r}", column=name)
            customers = customers.append_column(name, pa.array([default] * customers.num_rows, pa.string()))
        elif blanks := customers[name].null_count:
            first = int(_positions(pc.is_null(customers[name]))[0])
            problems.warn(source.file, f"is blank on {blanks:,} row(s), the first shown; set to {default!r}",
                          row=source.row(first), column=name)
            customers = customers.set_column(customers.column_names.index(name), name,
                                             pc.fill_null(customers[name], default))
    acquired = customers["acquired_on"] if "acquired_on" in customers.column_names else \
        pa.chunked_array([pa.nulls(customers.num_rows, pa.date32())])
    if acquired.null_count:
        acquired = _acquired_from_orders(source, customers["customer_id"], acquired, orders, problems)
    customers = customers.drop_columns([c for c in ("acquired_on",) if c in customers.column_names])
    customers = customers.append_column("acquired_on", acquired)
    if "lost_on" in customers.column_names:
        early = pc.less(customers["lost_on"], acquired)
        for index in _positions(early)[:ERRORS_PER_FILE + 1]:
            problems.error(source.file, f"is before acquired_on {acquired[index].as_py()}", row=source.row(index),
                           column="lost_on", value=customers["lost_on"][index].as_py())
    return customers


def _acquired_from_orders(source: Source, ids, acquired, orders, problems: Problems) -> pa.ChunkedArray:
    blank = pc.is_null(acquired)
    if orders is not None:
        first = orders.group_by("customer_id").aggregate([("ordered_on", "min")])
        first_order = pc.take(first["ordered_on_min"], pc.index_in(ids, value_set=first["customer_id"]))
        acquired = pc.coalesce(acquired, first_order)
    still_blank = pc.is_null(acquired)
    filled = int(pc.sum(blank).as_py()) - int(pc.sum(still_blank).as_py())
    if filled:
        problems.warn(source.file, f"is blank on {filled:,} row(s): taken from the customer's first order",
                      row=source.row(int(_positions(pc.and_(blank, pc.invert(still_blank)))[0])),
                      column="acquired_on")
    for index in _positions(still_blank)[:ERRORS_PER_FILE + 1]:
        problems.error(source.file, "is empty and the customer has no orders to take it from", row=source.row(index),
                       column="acquired_on")
    return acquired


# --- the whole import ---------------------------------------------------------------------------

@dataclass
class Result:
    path: Path
    rows: dict[str, int]
    warnings: list[Problem]
    seconds: float


def read_folder(folder: Path, *, today: dt.date | None = None,
                say: Say = lambda line: None) -> tuple[dict[str, pa.Table], list[Problem]]:
    """Read and validate every file; the typed tables and the warnings, or ImportRefused with all errors."""
    folder, today, problems = Path(folder), today or dt.date.today(), Problems()
    if not folder.is_dir():
        raise ImportRefused([Problem(str(folder), "is not a folder")])
    files = find_files(folder, problems)
    sources: dict[str, Source] = {}
    tables: dict[str, pa.Table] = {}
    for table, path in files.items():
        started = time.perf_counter()
        source = read_source(path, table, problems)
        if source is None:
            continue
        sources[table] = source
        tables[table] = convert_table(source, table, problems)
        check_table(source, table, tables[table], problems, today)
        say(f"{path.name:<24} {source.rows:>13,} rows  ({time.perf_counter() - started:.1f} s)")
    if "customers" in tables:
        check_customer_references(sources, tables, problems)
        tables["customers"] = complete_customers(sources["customers"], tables["customers"], tables.get("orders"),
                                                 problems)
    if problems.errors:
        raise ImportRefused(problems.all_errors())
    return tables, problems.warnings


def log_table(warnings: list[Problem]) -> pa.Table:
    """The warnings as rows of the warehouse's import_log table."""
    return pa.table({"file_name": pa.array([w.file for w in warnings], pa.string()),
                     "row_number": pa.array([w.row for w in warnings], pa.int64()),
                     "column_name": pa.array([w.column for w in warnings], pa.string()),
                     "value": pa.array([w.value for w in warnings], pa.string()),
                     "message": pa.array([w.message for w in warnings], pa.string())})


def run(folder: Path, data_dir: Path, *, inactive_after_days: int | None = None, today: dt.date | None = None,
        say: Say = lambda line: None) -> Result:
    """Validate the folder's files, then build them into a new warehouse version and make it current.

    Raises ImportRefused (nothing built, the current warehouse untouched) if any file has errors,
    ValueError for a window below one day.
    """
    if inactive_after_days is not None and inactive_after_days < 1:
        raise ValueError(f"--inactive-after-days must be 1 or more, not {inactive_after_days}")
    started = time.perf_counter()
    folder = Path(folder)
    tables, warnings = read_folder(folder, today=today, say=say)
    for warning in warnings:
        say(f"warning: {warning}")
    last_message = ""

    def progress(fraction: float, message: str) -> None:
        nonlocal last_message
        skipped = message.split()[-1] in contract() and message.split()[-1] not in tables  # "Sorting leads"
        if message != last_message and fraction < 1 and not skipped:
            last_message = message
            say(f"building: {message} ({time.perf_counter() - started:.1f} s)")

    rows = {name: data.num_rows for name, data in tables.items()}
    path = warehouse.build(list(tables.items()), data_dir, source=f"import: {folder.resolve().name}",
                           inactive_after_days=inactive_after_days, progress=progress,
                           import_log=log_table(warnings))
    return Result(path, rows, warnings, time.perf_counter() - started)
