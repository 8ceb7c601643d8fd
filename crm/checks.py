"""Validation of query files: the `check` command and the test that runs it."""
from __future__ import annotations

from dataclasses import dataclass, field

from crm import catalog, sandbox
from crm.parameters import default_values


@dataclass
class Report:
    lines: list[str] = field(default_factory=list)
    ok: int = 0
    failed: int = 0


def check_query(query: catalog.Query, path: str, values: dict, timeout: float) -> str | None:
    """Why a parsed query file is broken, or None: the SQL check, a run within the limits
    (at most `timeout` seconds), and its chart's columns."""
    try:
        frame = sandbox.query(path, query.sql, query.bind(values), timeout=timeout)
    except sandbox.Refused as refused:
        return str(refused)
    except sandbox.QueryFailed as failed:
        return f"failed to run: {failed}"
    return query.chart_problem(frame.columns)


def check_all(entries: dict, path: str, timeout: float) -> Report:
    values = default_values(sandbox.info(path))
    report = Report()
    for query_id, entry in sorted(entries.items()):
        if isinstance(entry, catalog.QueryFileError):
            problem = str(entry)
        else:
            problem = check_query(entry, path, values, timeout)
        if problem:
            report.failed += 1
            where = entry.path.name if isinstance(entry, catalog.Query) else ""
            report.lines.append(f"BROKEN {query_id}: {where + ': ' if where else ''}{problem}")
        else:
            report.ok += 1
            report.lines.append(f"ok     {query_id}")
    return report
