"""The query catalog: every `.sql` file under queries/ is a named query.

A file starts with `-- key: value` header lines (title, description, chart, owner); an
indented `--   text` line continues the previous value. The `$names` in the SQL are its
parameters; they must come from the shared set below, and only the ones a file uses are
bound (DuckDB refuses unused parameters). A broken file yields a QueryFileError naming the
file and line; it never stops the other files from loading.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from crm import settings
from crm.errors import CrmError
from crm.parameters import PARAMETERS, parse as parse_shared

HEADER_KEYS = {
    "title": "short name shown above the result",
    "description": "what one row is and what the numbers mean",
    "chart": "kind x=column y=column[,column] [color=column]; kind is bar, line, area, heatmap or table",
    "owner": "who to ask about this query",
    "param": "name type default [help]: a parameter of this query only (repeatable); "
             "type is integer, number, text, date or boolean",
}
PARAM_TYPES = {
    "integer": int,
    "number": float,
    "text": str,
    "date": lambda text: dt.date.fromisoformat(text),
    "boolean": lambda text: {"true": True, "false": False}[text.lower()],
}
CHART_KINDS = {"bar", "line", "area", "heatmap", "table"}
_HEADER_LINE = re.compile(r"^--\s?(\w+):\s*(.*)$")
_CONTINUATION = re.compile(r"^--\s{2,}(\S.*)$")
_PARAMETER = re.compile(r"\$([A-Za-z_]\w*)")
_QUERY_ID = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_\-]*")
_STRINGS_AND_COMMENTS = re.compile(r"'(?:[^']|'')*'|--[^\n]*|/\*.*?\*/", re.S)


class QueryFileError(CrmError):
    """A query file that cannot be used, with the file and (where known) the line."""

    def __init__(self, path: Path | str, message: str, line: int | None = None):
        self.path, self.message, self.line = Path(path), message, line
        where = f"{self.path.name}, line {line}" if line else self.path.name
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True)
class Chart:
    kind: str
    x: str | None = None
    y: tuple[str, ...] = ()
    color: str | None = None

    @property
    def columns(self) -> list[str]:
        return [c for c in (self.x, *self.y, self.color) if c]


@dataclass(frozen=True)
class Param:
    """A parameter declared in a file's header: `-- param: top_n integer 10 How many to list`."""
    name: str
    type: str
    default: object
    help: str = ""

    def parse(self, text: str):
        try:
            return PARAM_TYPES[self.type](text)
        except (ValueError, KeyError):
            raise ValueError(f"${self.name}: {text!r} is not a valid {self.type}") from None


@dataclass(frozen=True)
class Query:
    id: str
    path: Path
    title: str
    description: str
    sql: str
    parameters: tuple[str, ...]
    chart: Chart | None = None
    owner: str = ""
    group: str = ""
    params: tuple[Param, ...] = ()  # declared in the header; used ones are also in `parameters`

    def bind(self, values: dict) -> dict:
        """The parameter values this query uses, and only those; declared ones default."""
        defaults = {p.name: p.default for p in self.params}
        missing = [name for name in self.parameters if name not in values and name not in defaults]
        if missing:
            raise QueryFileError(self.path, f"no value given for parameter(s) {', '.join('$' + m for m in missing)}")
        return {name: values[name] if name in values else defaults[name] for name in self.parameters}

    def bind_each(self, value_sets: list[dict]) -> tuple[str, dict]:
        """(SQL, parameters) running this query once per set of values in one statement: the
        results stacked in set order, a leading column SET_COLUMN numbering the sets from 0. For
        the one-row KPI queries a page needs per month or per segment: one statement instead of
        a dozen saves most of the cost (each set's parameters are renamed $s<n>__<name>)."""
        branches, params = [], {}
        for number, values in enumerate(value_sets):
            prefix = f"s{number}__"
            params.update({prefix + name: value for name, value in self.bind(values).items()})
            branches.append(f"SELECT {number} AS {SET_COLUMN}, * FROM (\n{_renamed(self.sql, prefix)}\n)")
        return "\nUNION ALL\n".join(branches) + f"\nORDER BY {SET_COLUMN}", params

    def chart_problem(self, columns) -> str | None:
        """Why the header's chart cannot be drawn from a result with these columns, or None."""
        missing = [c for c in (self.chart.columns if self.chart else []) if c not in columns]
        return f"chart names column(s) {', '.join(missing)} that the query does not return" if missing else None

    def parse_value(self, name: str, text: str):
        """A parameter value from text (command line, URL): declared types first, then the shared ones."""
        declared = next((p for p in self.params if p.name == name), None)
        return declared.parse(text) if declared else parse_shared(name, text)


SET_COLUMN = "value_set"  # see Query.bind_each


def split_sets(frame: pd.DataFrame, count: int) -> list[pd.DataFrame]:
    """The result of a Query.bind_each statement as one frame per set of values, in order."""
    sets = frame.pop(SET_COLUMN)
    return [frame[sets == number].reset_index(drop=True) for number in range(count)]


def _renamed(sql: str, prefix: str) -> str:
    """The SQL with every $parameter renamed $<prefix><name>, leaving strings and comments alone."""
    kept = [m.span() for m in _STRINGS_AND_COMMENTS.finditer(sql)]
    pieces, position = [], 0
    for start, end in [*kept, (len(sql), len(sql))]:
        pieces.append(_PARAMETER.sub(lambda m: f"${prefix}{m.group(1)}", sql[position:start]))
        pieces.append(sql[start:end])
        position = end
    return "".join(pieces)


def parse(path: Path, root: Path | None = None) -> Query:
    """Read one query file; raise QueryFileError for anything wrong with it."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise QueryFileError(path, f"is not UTF-8 text ({error.reason} at byte {error.start})") from None
    header, body_start = _parse_header(path, text.splitlines())
    sql = "\n".join(text.splitlines()[body_start:]).strip().rstrip(";").strip()
    if not sql:
        raise QueryFileError(path, "holds no SQL after its header")
    params = tuple(_parse_param(path, value, line) for value, line in header.pop("param", []))
    parameters = tuple(dict.fromkeys(_PARAMETER.findall(_STRINGS_AND_COMMENTS.sub("", sql))))
    unknown = [p for p in parameters if p not in PARAMETERS and p not in {d.name for d in params}]
    if unknown:
        line = _line_of(text, "$" + unknown[0])
        raise QueryFileError(path, f"unknown parameter ${unknown[0]}; known: "
                             + ", ".join("$" + p for p in PARAMETERS)
                             + "; declare others with '-- param: name type default'", line)
    if "title" not in header:
        raise QueryFileError(path, "has no '-- title:' header line", 1)
    group = path.parent.relative_to(root).as_posix() if root and path.parent != root else ""
    return Query(id=path.stem, path=path, title=header["title"], description=header.get("description", ""),
                 sql=sql, parameters=parameters, owner=header.get("owner", ""), group=group, params=params,
                 chart=_parse_chart(path, header["chart"], _line_of(text, "-- chart:")) if "chart" in header else None)


def _parse_header(path: Path, lines: list[str]) -> tuple[dict, int]:
    """Header values by key; `param` is repeatable and keeps (value, line) pairs."""
    header: dict = {}
    key = None
    for number, line in enumerate(lines, start=1):
        if (match := _CONTINUATION.match(line)) and key and key != "param":
            header[key] += " " + match.group(1).strip()
        elif match := _HEADER_LINE.match(line):
            key, value = match.group(1).lower(), match.group(2).strip()
            if key not in HEADER_KEYS:
                raise QueryFileError(path, f"unknown header key {key!r}; known keys: {', '.join(HEADER_KEYS)}", number)
            if key == "param":
                header.setdefault("param", []).append((value, number))
            else:
                header[key] = value
        elif line.strip() and not line.startswith("--"):
            return header, number - 1
    return header, len(lines)


def _parse_param(path: Path, spec: str, line: int) -> Param:
    parts = spec.split(maxsplit=3)
    if len(parts) < 3:
        raise QueryFileError(path, "a param line needs: name type default [help]", line)
    name, kind, default = parts[:3]
    if name in PARAMETERS:
        raise QueryFileError(path, f"${name} is a shared parameter; do not declare it", line)
    if kind not in PARAM_TYPES:
        raise QueryFileError(path, f"param {name}: unknown type {kind!r}; use {', '.join(PARAM_TYPES)}", line)
    param = Param(name, kind, None, parts[3] if len(parts) > 3 else "")
    try:
        return Param(name, kind, param.parse(default), param.help)
    except ValueError as error:
        raise QueryFileError(path, f"param {name}: default {error}", line) from None


def _parse_chart(path: Path, spec: str, line: int | None) -> Chart:
    kind, *options = spec.split()
    if kind not in CHART_KINDS:
        raise QueryFileError(path, f"unknown chart kind {kind!r}; use one of {', '.join(sorted(CHART_KINDS))}", line)
    fields = {}
    for option in options:
        name, _, value = option.partition("=")
        if name not in ("x", "y", "color") or not value:
            raise QueryFileError(path, f"chart option {option!r} is not x=, y= or color=", line)
        fields[name] = value
    y = tuple(v for v in fields.get("y", "").split(",") if v)
    return Chart(kind=kind, x=fields.get("x"), y=y, color=fields.get("color"))


def _line_of(text: str, needle: str) -> int | None:
    index = text.find(needle)
    return text.count("\n", 0, index) + 1 if index >= 0 else None


def load(root: Path | None = None) -> dict[str, Query | QueryFileError]:
    """Every query file under root by id; broken files map to their error."""
    root = Path(root or settings.get("queries_dir"))
    found: dict[str, Query | QueryFileError] = {}
    for path in sorted(root.rglob("*.sql")):
        try:
            query = parse(path, root)
        except QueryFileError as error:
            found[path.stem] = error
            continue
        if path.stem in found:
            found[path.stem] = QueryFileError(path, f"has the same id as another file ({path.stem}); ids are file names")
            continue
        found[query.id] = query
    return found


def exists(query_id: str, root: Path | None = None) -> bool:
    """Whether a query file with this id is in the folder (broken or not)."""
    return _QUERY_ID.fullmatch(query_id) is not None and any(
        Path(root or settings.get("queries_dir")).rglob(f"{query_id}.sql"))


def get(query_id: str, root: Path | None = None) -> Query:
    """One query by id; raises QueryFileError if it is missing or broken."""
    root = Path(root or settings.get("queries_dir"))
    if not _QUERY_ID.fullmatch(query_id):  # an id is a file name: never a path out of the folder
        raise QueryFileError(root, f"{query_id!r} is not a query id: ids are file names without .sql, "
                                         "letters, digits, '_' and '-' only")
    paths = sorted(root.rglob(f"{query_id}.sql"))  # read just this file: pages run many queries
    if not paths:
        raise QueryFileError(root / f"{query_id}.sql", "no such query file")
    if len(paths) > 1:
        raise QueryFileError(paths[1], f"has the same id as another file ({query_id}); ids are file names")
    return parse(paths[0], root)
