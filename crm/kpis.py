"""The headline KPIs (by metric id) and their values per month and per segment, channel or region."""
from __future__ import annotations

import datetime as dt

import pandas as pd

from crm.periods import LIST_FILTERS


# The headline tile row by metric id (queries/metrics.toml declares each metric once).
HEADLINE = ["active_customers", "new_customers", "reactivated", "lost_customers", "churn_rate", "revenue", "arpa",
            "nps", "channel_cost"]


def months_of(start: dt.date, end: dt.date, last: int = 12) -> list[tuple[dt.date, dt.date]]:
    """The calendar months overlapping [start, end], clipped to it; the last `last` of them."""
    windows = []
    month = start.replace(day=1)
    while month <= end:
        following = (month + dt.timedelta(days=32)).replace(day=1)
        windows.append((max(month, start), min(following - dt.timedelta(days=1), end)))
        month = following
    return windows[-last:]


def series(run, values: dict, last: int = 12, query: str = "kpis_monthly") -> pd.DataFrame:
    """The KPIs for each of the last `last` months of the period (the sparklines): the same
    definitions month by month, from the one `kpis_monthly` query. `run(query_id, values)`
    runs a query. month = the first day of each month's window (clipped to the period)."""
    frame = run(query, values).tail(last).reset_index(drop=True)
    frame["month"] = [max(month.date(), values["start_date"]) for month in frame["month"]]
    return frame


def by_value(run, values: dict, filter_name: str, options: list[str]) -> pd.DataFrame:
    """The KPIs for each value of a list filter (regions, segments or channels) within the current
    selection, as if that one value were selected: the same definitions for every slice. One row
    per value, from the one `kpis_breakdown` query (shared by the three filters); a value without
    any data there gets the `kpis` query of its own (zeros, or the costs a segment still carries)."""
    field = LIST_FILTERS[filter_name]
    found = run("kpis_breakdown", values)
    found = found[found["dimension"] == filter_name].drop(columns="dimension").set_index("value")
    rows = [{field: value, **(found.loc[value].to_dict() if value in found.index
                              else run("kpis", {**values, filter_name: [value]}).iloc[0].to_dict())}
            for value in values[filter_name] or options]
    return pd.DataFrame(rows)
