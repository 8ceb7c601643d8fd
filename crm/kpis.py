"""The headline KPIs (by metric id) and their values per month and per segment, channel or region."""
from __future__ import annotations

import datetime as dt

import pandas as pd

from crm import catalog
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


def per_month(source, query_id: str, values: dict, last: int | None = None) -> pd.DataFrame:
    """A one-row query's result for each calendar month of the period (the last `last`, or all), one
    row per month with a `month` column (the first day of each month's window, clipped to the
    period): from the query's `<query>_monthly` companion where there is one (one pass over the
    period), else the query itself once per month, in one statement. The same definitions month by
    month. `source` runs query files: crm.data, or anything with its run() and run_each()."""
    if catalog.exists(f"{query_id}_monthly"):
        frame = source.run(f"{query_id}_monthly", values).reset_index(drop=True)
        frame = frame.tail(last).reset_index(drop=True) if last else frame
        frame["month"] = [max(month.date(), values["start_date"]) for month in frame["month"]]
        return frame
    months = [{**values, "start_date": start, "end_date": end}
              for start, end in months_of(values["start_date"], values["end_date"], last or 10_000)]
    return pd.DataFrame([{"month": m["start_date"], **frame.iloc[0].to_dict()}
                         for m, frame in zip(months, source.run_each(query_id, months))])


def per_value(source, query_id: str, values: dict, filter_name: str, options: list[str]) -> pd.DataFrame:
    """A one-row query's result for each value of a list filter (regions, segments or channels)
    within the current selection, as if that one value were selected: one row per value. From the
    query's `<query>_breakdown` companion where there is one (one pass for the three filters; a value
    it has no row for gets the query of its own: zeros, or the costs a segment still carries), else
    the query once per value, in one statement."""
    field = LIST_FILTERS[filter_name]
    chosen = values[filter_name] or options
    if not catalog.exists(f"{query_id}_breakdown"):
        frames = source.run_each(query_id, [{**values, filter_name: [value]} for value in chosen])
        return pd.DataFrame([{field: value, **frame.iloc[0].to_dict()} for value, frame in zip(chosen, frames)])
    found = source.run(f"{query_id}_breakdown", values)
    found = found[found["dimension"] == filter_name].drop(columns="dimension").set_index("value")
    return pd.DataFrame([{field: value, **(found.loc[value].to_dict() if value in found.index
                                           else source.run(query_id, {**values, filter_name: [value]}).iloc[0].to_dict())}
                         for value in chosen])
