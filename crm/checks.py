"""Validation of query files: the `check` command and the test that runs it."""
from __future__ import annotations

from dataclasses import dataclass, field

from crm import catalog, warehouse
from crm.filters import default_values


@dataclass
class Report:
    lines: list[str] = field(default_factory=list)
    ok: int = 0
    failed: int = 0


def check_query(query: catalog.Query, con, values: dict, tables: set[str]) -> str | None:
    """Why a parsed query file is broken, or None. Checks safety, that it runs, and its chart columns."""
    if problem := warehouse.statement_problem(query.sql, tables):
        return problem
    try:
        result = warehouse.run(con, query.sql, query.bind(values))
    except warehouse.QueryError as error:
        return f"failed to run: {error}"
    return query.chart_problem(result.frame.columns)


def check_all(entries: dict, con) -> Report:
    values = default_values(warehouse.info(con))
    tables = warehouse.table_names(con)
    report = Report()
    for query_id, entry in sorted(entries.items()):
        problem = str(entry) if isinstance(entry, catalog.QueryFileError) else check_query(entry, con, values, tables)
        if problem:
            report.failed += 1
            where = entry.path.name if isinstance(entry, catalog.Query) else ""
            report.lines.append(f"BROKEN {query_id}: {where + ': ' if where else ''}{problem}")
        else:
            report.ok += 1
            report.lines.append(f"ok     {query_id}")
    return report
