"""The Overview's headline KPIs: what each means, and their values for a period and per month."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from crm.periods import LIST_FILTERS


@dataclass(frozen=True)
class Kpi:
    column: str        # column of the `kpis` query
    label: str
    definition: str    # shown as the tile's tooltip and on the Definitions page
    lower_is_better: bool = False
    query: str = "kpis"  # the query file that computes it


HEADLINE = [
    Kpi("active_end_count", "Active customers",
        "Customers with an active spell on the last day of the period. A spell starts on acquisition "
        "(or on the first order after a loss: a reactivation) and ends on the recorded loss date "
        "(or after the inactivity window, where one is set)."),
    Kpi("new_count", "New customers", "First spells starting in the period: customers acquired in it."),
    Kpi("reactivated_count", "Reactivated",
        "Later spells starting in the period: lost customers who came back (win-backs)."),
    Kpi("lost_count", "Lost customers", "Spells ending in the period.", lower_is_better=True),
    Kpi("churn_rate_pct", "Churn rate",
        "Customers active at the start of the period who were lost during it, divided by the "
        "customers active at the start.", lower_is_better=True),
    Kpi("revenue_amount", "Revenue", "Sum of the order amounts in the period."),
    Kpi("arpa_amount", "ARPA",
        "Average revenue per account: revenue / average active customers (mean of start and end)."),
    Kpi("nps_score", "NPS",
        "Net promoter score of the survey answers in the period: % promoters (9–10) minus % "
        "detractors (0–6), from -100 to 100."),
    Kpi("channel_cost_amount", "Channel cost",
        "Acquisition and service costs of all channels in the period, a month's cost spread evenly over its "
        "days. Costs are not split by segment.", lower_is_better=True),
]


def months_of(start: dt.date, end: dt.date, last: int = 12) -> list[tuple[dt.date, dt.date]]:
    """The calendar months overlapping [start, end], clipped to it; the last `last` of them."""
    windows = []
    month = start.replace(day=1)
    while month <= end:
        following = (month + dt.timedelta(days=32)).replace(day=1)
        windows.append((max(month, start), min(following - dt.timedelta(days=1), end)))
        month = following
    return windows[-last:]


def series(run, values: dict, last: int = 12) -> pd.DataFrame:
    """The KPIs for each of the last `last` months of the period (the sparklines): the same
    definitions month by month, from the one `kpis_monthly` query. `run(query_id, values)`
    runs a query. month = the first day of each month's window (clipped to the period)."""
    frame = run("kpis_monthly", values).tail(last).reset_index(drop=True)
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


# Tiles of the Acquisition & loss page (the `kpis` query) and of the Lifecycle page (`pareto_share`).
ACQUISITION = [k for k in HEADLINE if k.column in ("new_count", "reactivated_count", "lost_count", "churn_rate_pct")]
PARETO = [
    Kpi("top20_share_pct", "Top 20 % share of revenue",
        "Revenue of the top 20 % of customers (the ceil(0.2 × n) of the n customers who ordered in the "
        "period, with the most revenue in it) / all revenue of the period: the Pareto law measured.",
        query="pareto_share"),
    Kpi("customers_count", "Customers who ordered", "Customers with at least one order in the period.",
        query="pareto_share"),
    Kpi("top20_revenue_amount", "Revenue of the top 20 %", "Revenue in the period of its top 20 % of customers.",
        query="pareto_share"),
    Kpi("revenue_amount", "Revenue", "Sum of the order amounts in the period.", query="pareto_share"),
]
