"""The balanced scorecard: its definition (queries/scorecard.toml), KPI values for a period from
the same query files as every page, targets scaled to the period, 0-10 scores, red / amber /
green status, weighted roll-ups, and the projection to the end of the target year at the current
pace. No Streamlit calls here: pages pass in `run(query_id, values) -> DataFrame` (crm.data.run).

Scoring (each KPI): the goal scores 6.6 and the red flag 3.3, linear between and beyond, clipped
to 0..10; for a lower-is-better KPI a value below the goal scores above 6.6. When the goal equals
the red flag there is no scale: a value at or better than the goal scores 6.6, a worse one 0.
Status: green from 6.6, red below 3.3, amber between; no value or no threshold = "no data".
Roll-ups: an objective is the weighted mean of its KPIs' scores, a perspective the weighted mean
of all its KPIs' scores, the overall score the weighted mean of the perspectives (weight 1 each
unless the definition says otherwise); KPIs without a score are left out, and a roll-up with no
scored KPI has no score.
"""
from __future__ import annotations

import calendar
import datetime as dt
import math
import textwrap
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from crm import metrics, settings
from crm.errors import CrmError
from crm.periods import LIST_FILTERS
from crm.formatting import format_value
from crm.kpis import months_of

GOAL_SCORE = 6.6        # a KPI exactly at its goal
RED_FLAG_SCORE = 3.3    # a KPI exactly at its red flag
GREEN_FROM = 6.6        # status thresholds on the 0..10 score
RED_BELOW = 3.3
MAX_SCORE = 10.0
NO_DATA = "no data"
STATUSES = ("green", "amber", "red", NO_DATA)
STATUS_COLORS = {"green": "#2e7d32", "amber": "#f0a23b", "red": "#c62828", NO_DATA: "#b0b7bf"}
BADGE_COLORS = {"green": "green", "amber": "orange", "red": "red", NO_DATA: "gray"}  # Streamlit's badge colours
TARGET_SCALES = ("none", "per_month", "compound_monthly")
DIRECTIONS = ("higher", "lower")
TARGETS_QUERY = "targets_in_period"
DEFINITION_FILE = "scorecard.toml"  # in the queries folder, beside the KPI queries


class DefinitionError(CrmError):
    """The scorecard definition file is wrong; the message names the entry."""


@dataclass(frozen=True)
class Kpi:
    id: str
    label: str
    query: str
    column: str
    direction: str
    goal: float | None
    red_flag: float | None
    objective: str
    perspective: str
    target: str = ""
    target_scale: str = "none"
    volume: bool = False
    weight: float = 1.0
    owner: str = ""
    page: str = ""
    definition: str = ""

    @property
    def lower_is_better(self) -> bool:
        return self.direction == "lower"


@dataclass(frozen=True)
class Objective:
    id: str
    name: str
    perspective: str
    supports: tuple[str, ...]
    kpis: tuple[Kpi, ...]


@dataclass(frozen=True)
class Perspective:
    id: str
    name: str
    weight: float
    objectives: tuple[Objective, ...]


@dataclass(frozen=True)
class Scorecard:
    perspectives: tuple[Perspective, ...]  # top of the strategy map first

    @property
    def objectives(self) -> list[Objective]:
        return [o for p in self.perspectives for o in p.objectives]

    @property
    def kpis(self) -> list[Kpi]:
        return [k for o in self.objectives for k in o.kpis]

    def kpi(self, kpi_id: str) -> Kpi:
        return next(k for k in self.kpis if k.id == kpi_id)


# --- the definition file --------------------------------------------------------------------

def definition_path() -> Path:
    return Path(settings.get("queries_dir")) / DEFINITION_FILE


def load(path: Path | None = None) -> Scorecard:
    path = Path(path or definition_path())
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise DefinitionError(f"{path.name}: {error}") from None
    return parse(data)


def parse(data: dict) -> Scorecard:
    """A Scorecard from the parsed TOML; raises DefinitionError naming the wrong entry."""
    perspectives = tuple(_perspective(p) for p in data.get("perspective", []))
    card = Scorecard(perspectives)
    _check(card)
    return card


def _perspective(entry: dict) -> Perspective:
    pid = _required(entry, "id", "perspective")
    objectives = tuple(_objective(o, pid) for o in entry.get("objective", []))
    return Perspective(pid, entry.get("name", pid), _weight(entry, f"perspective {pid}"), objectives)


def _objective(entry: dict, perspective: str) -> Objective:
    oid = _required(entry, "id", f"an objective of {perspective}")
    listed = [{"id": metric_id, "metric": metric_id} for metric_id in entry.get("metrics", [])]  # the short form
    kpis = tuple(_kpi(k, oid, perspective) for k in [*entry.get("kpi", []), *listed])
    return Objective(oid, entry.get("name", oid), perspective, tuple(entry.get("supports", [])), kpis)


def _kpi(entry: dict, objective: str, perspective: str) -> Kpi:
    kid = _required(entry, "id", f"a KPI of {objective}")
    where = f"KPI {kid}"
    if "metric" in entry:  # the metric's declaration (queries/metrics.toml), then what the entry overrides
        entry = {**_metric_fields(metrics.get(entry["metric"])), **entry}
    direction = entry.get("direction", "higher")
    if direction not in DIRECTIONS:
        raise DefinitionError(f"{where}: direction must be one of {', '.join(DIRECTIONS)}, not {direction!r}")
    scale = entry.get("target_scale", "none")
    if scale not in TARGET_SCALES:
        raise DefinitionError(f"{where}: target_scale must be one of {', '.join(TARGET_SCALES)}, not {scale!r}")
    goal, red_flag = entry.get("goal"), entry.get("red_flag")
    if (goal is None) != (red_flag is None):
        raise DefinitionError(f"{where}: give both goal and red_flag, or neither")
    if goal is not None and (goal - red_flag) * (1 if direction == "higher" else -1) < 0:
        raise DefinitionError(f"{where}: the goal must be on the better side of the red flag ({direction} is better)")
    return Kpi(id=kid, label=entry.get("label", kid), query=_required(entry, "query", where),
               column=_required(entry, "column", where), direction=direction, goal=goal, red_flag=red_flag,
               objective=objective, perspective=perspective, target=entry.get("target", kid),
               target_scale=scale, volume=bool(entry.get("volume", False)), weight=_weight(entry, where),
               owner=entry.get("owner", ""), page=entry.get("page", ""), definition=entry.get("definition", ""))


def _metric_fields(metric: metrics.Metric) -> dict:
    fields = {"label": metric.label, "query": metric.query, "column": metric.column, "direction": metric.better,
              "definition": metric.definition, "target": metric.target, "target_scale": metric.target_scale,
              "volume": metric.volume}
    return fields | ({"goal": metric.goal, "red_flag": metric.red_flag} if metric.goal is not None else {})


def _required(entry: dict, key: str, where: str) -> str:
    if not entry.get(key):
        raise DefinitionError(f"{where}: '{key}' is missing")
    return entry[key]


def _weight(entry: dict, where: str) -> float:
    weight = entry.get("weight", 1)
    if not isinstance(weight, (int, float)) or weight <= 0:
        raise DefinitionError(f"{where}: weight must be a positive number")
    return float(weight)


def _check(card: Scorecard) -> None:
    for kind, ids in (("perspective", [p.id for p in card.perspectives]),
                      ("objective", [o.id for o in card.objectives]), ("KPI", [k.id for k in card.kpis])):
        if duplicated := sorted({i for i in ids if ids.count(i) > 1}):
            raise DefinitionError(f"{kind} id(s) used twice: {', '.join(duplicated)}")
    known = {o.id for o in card.objectives}
    for objective in card.objectives:
        if unknown := [s for s in objective.supports if s not in known]:
            raise DefinitionError(f"objective {objective.id}: supports unknown objective(s) {', '.join(unknown)}")
        if objective.id in objective.supports:
            raise DefinitionError(f"objective {objective.id}: supports itself")


# --- scoring and roll-ups -------------------------------------------------------------------

def missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA


def score(value, goal, red_flag, lower_is_better: bool = False) -> float | None:
    """0..10: the goal scores 6.6, the red flag 3.3, linear between and beyond, clipped.

    Goal equal to the red flag (no scale): at or better than the goal 6.6, worse 0."""
    if missing(value) or missing(goal) or missing(red_flag):
        return None
    better = -1.0 if lower_is_better else 1.0
    if goal == red_flag:
        return GOAL_SCORE if better * (value - goal) >= 0 else 0.0
    progress = better * (value - red_flag) / abs(goal - red_flag)  # 0 at the red flag, 1 at the goal
    raw = RED_FLAG_SCORE + progress * (GOAL_SCORE - RED_FLAG_SCORE)
    return round(min(max(raw, 0.0), MAX_SCORE), 9)  # rounding keeps "exactly at the goal" green


def status(value: float | None) -> str:
    if missing(value):
        return NO_DATA
    if value >= GREEN_FROM:
        return "green"
    return "red" if value < RED_BELOW else "amber"


def shown_score(value: float | None) -> float | None:
    """A score to show with one decimal, rounded down so that it never contradicts its status
    (6.58 is amber: shown 6.5, not 6.6)."""
    return None if missing(value) else math.floor(value * 10 + 1e-9) / 10


def score_text(value: float | None) -> str:
    """A score as text: '6.5', or '–' without one."""
    return "–" if missing(value) else f"{shown_score(value):.1f}"


def badge(value: float | None, with_score: bool = True) -> str:
    """Markdown for a status badge: ':green-badge[7.4 · green]' (or just the status)."""
    state = status(value)
    text = f"{score_text(value)} · {state}" if with_score and state != NO_DATA else state
    return f":{BADGE_COLORS[state]}-badge[{text}]"


def shown(column: str, value) -> str:
    """A KPI value in its column's format (crm.formatting), in short form from 1,000 (€76.3M,
    €2.37k; cents stay for small amounts such as €6.24), small scores (CSAT 1-5) with two decimals
    so that 3.84 against a goal of 3.79 shows a difference."""
    if missing(value):
        return format_value(column, None)
    if column.endswith("_score") and abs(value) < 10:
        return f"{value:.2f}"
    return format_value(column, value, short=abs(value) >= 1_000)


def weighted_mean(pairs) -> float | None:
    """Mean of (score, weight) pairs, leaving out missing scores; None when none is left."""
    kept = [(s, w) for s, w in pairs if not missing(s)]
    total = sum(w for _, w in kept)
    return sum(s * w for s, w in kept) / total if total else None


def rollup(card: Scorecard, scores: dict[str, float | None]) -> dict:
    """Scores of every objective, every perspective and overall, from KPI scores by KPI id."""
    def of_kpis(kpis):
        return weighted_mean((scores.get(k.id), k.weight) for k in kpis)

    objectives = {o.id: of_kpis(o.kpis) for o in card.objectives}
    perspectives = {p.id: of_kpis([k for o in p.objectives for k in o.kpis]) for p in card.perspectives}
    overall = weighted_mean((perspectives[p.id], p.weight) for p in card.perspectives)
    return {"objectives": objectives, "perspectives": perspectives, "overall": overall}


# --- periods and targets --------------------------------------------------------------------

def months_in(start: dt.date, end: dt.date) -> float:
    """Calendar months in [start, end] (inclusive), a partial month counting by its share of days."""
    months = 0.0
    for first, last in months_of(start, end, last=10_000):
        months += ((last - first).days + 1) / calendar.monthrange(first.year, first.month)[1]
    return months


def scale_target(value, scale: str, months: float):
    """A target for one month (per_month, compound_monthly) as the target for `months` months."""
    if missing(value):
        return None
    if scale == "per_month":
        return value * months
    if scale == "compound_monthly":  # a cohort losing `value` a month keeps (1 - value) ** months
        return 1 - (1 - value) ** months
    return value


def thresholds(kpi: Kpi, targets: pd.DataFrame, months: float, filtered: bool) -> tuple:
    """(goal, red flag, source) for the period: the targets table first, else the default.

    `targets` is the targets_in_period result (kpi, goal, red_flag). A volume KPI under a
    filter has none: its targets are company-wide."""
    if kpi.volume and filtered:
        return None, None, "company-wide target: clear the filters to compare"
    row = targets[targets["kpi"] == kpi.target]
    if len(row):
        goal, red_flag, source = row["goal"].iloc[0], row["red_flag"].iloc[0], "targets"
    elif kpi.goal is not None:
        goal, red_flag, source = kpi.goal, kpi.red_flag, "default"
    else:
        return None, None, "no target"
    return scale_target(goal, kpi.target_scale, months), scale_target(red_flag, kpi.target_scale, months), source


def is_filtered(values: dict) -> bool:
    return any(values.get(name) for name in LIST_FILTERS)


# --- running the KPI queries ----------------------------------------------------------------

def value_of(kpi: Kpi, frame: pd.DataFrame):
    """The KPI's value: its column in its query's one-row result."""
    if frame.empty:
        return None
    value = frame[kpi.column].iloc[0]
    return None if missing(value) else float(value)


def measure(run_each, card: Scorecard, periods: list[dict]) -> list[dict[str, float | None]]:
    """Every KPI's value for each set of values in `periods`; each query file runs once for all of
    them (`run_each(query_id, value_sets) -> [DataFrame, ...]`, crm.data.run_each)."""
    results = {query: run_each(query, periods) for query in dict.fromkeys(k.query for k in card.kpis)}
    return [{k.id: value_of(k, results[k.query][number]) for k in card.kpis} for number in range(len(periods))]


def month_values(values: dict, last: int | None = None) -> list[dict]:
    """`values` for each calendar month of its period (the last `last` of them, or all)."""
    return [{**values, "start_date": start, "end_date": end}
            for start, end in months_of(values["start_date"], values["end_date"], last or 10_000)]


def trend(months: list[dict], found: list[dict]) -> pd.DataFrame:
    """KPI values per month as a frame with a `month` column (the first day of each month's window)."""
    return pd.DataFrame([{"month": m["start_date"], **values} for m, values in zip(months, found)])


def report(run_each, card: Scorecard, values: dict, previous_values: dict, last: int = 12) -> dict:
    """Everything the scorecard page shows, each KPI query run once for all periods: `now` and
    `before` (evaluated), `trend` (per month, the last `last` months) and `ahead` (projections)."""
    year_start, year_end = target_year(values["end_date"])
    so_far = {**values, "start_date": year_start}
    months = month_values(values, last)
    found = measure(run_each, card, [values, previous_values, so_far, *months])
    targets = run_each(TARGETS_QUERY, [values, previous_values, {**so_far, "end_date": year_end}])
    return {"now": scored(card, values, found[0], targets[0]),
            "before": scored(card, previous_values, found[1], targets[1]),
            "ahead": projected(card, values, found[2], targets[2]),
            "trend": trend(months, found[3:])}


def evaluate(run_each, card: Scorecard, values: dict) -> pd.DataFrame:
    """One row per KPI for the period of `values`: value, goal, red flag, target source, score, status."""
    return scored(card, values, measure(run_each, card, [values])[0], run_each(TARGETS_QUERY, [values])[0])


def scored(card: Scorecard, values: dict, found: dict, targets: pd.DataFrame) -> pd.DataFrame:
    """evaluate() from the KPI values already measured and the targets_in_period result."""
    start, end = values["start_date"], values["end_date"]
    months, filtered = months_in(start, end), is_filtered(values)
    rows = []
    for kpi in card.kpis:
        goal, red_flag, source = thresholds(kpi, targets, months, filtered)
        kpi_score = score(found[kpi.id], goal, red_flag, kpi.lower_is_better)
        rows.append({"kpi": kpi.id, "value": found[kpi.id], "goal": goal, "red_flag": red_flag,
                     "source": source, "score": kpi_score, "status": status(kpi_score)})
    return pd.DataFrame(rows).set_index("kpi")


# --- projection -----------------------------------------------------------------------------

def project(so_far, scale: str, days_elapsed: int, days_total: int):
    """The value at the end of the target period if the pace so far continues.

    per_month (a flow): so far / days elapsed x days in the period; compound_monthly (a
    cohort's loss rate): the survival so far extended, 1 - (1 - so far) ^ (total / elapsed);
    none (a level or ratio): the current value."""
    if missing(so_far) or days_elapsed <= 0:
        return None
    stretch = days_total / days_elapsed
    if scale == "per_month":
        return so_far * stretch
    if scale == "compound_monthly":
        return 1 - (1 - so_far) ** stretch if so_far < 1 else 1.0
    return so_far


def target_year(end: dt.date) -> tuple[dt.date, dt.date]:
    """The target period a projection runs to: the calendar year of the period's last day
    (targets are set per calendar year)."""
    return dt.date(end.year, 1, 1), dt.date(end.year, 12, 31)


def projections(run_each, card: Scorecard, values: dict) -> pd.DataFrame:
    """For each KPI with a target in the targets table for the target year: the value from
    1 January to the period's last day, the projected year-end value at that pace, the year's
    goal and red flag, and the projected score and status."""
    year_start, year_end = target_year(values["end_date"])
    so_far = {**values, "start_date": year_start}
    return projected(card, values, measure(run_each, card, [so_far])[0],
                     run_each(TARGETS_QUERY, [{**so_far, "end_date": year_end}])[0])


def projected(card: Scorecard, values: dict, so_far: dict, targets: pd.DataFrame) -> pd.DataFrame:
    """projections() from the KPI values measured from 1 January and the target year's targets."""
    end = values["end_date"]
    year_start, year_end = target_year(end)
    months, filtered = months_in(year_start, year_end), is_filtered(values)
    elapsed, total = (end - year_start).days + 1, (year_end - year_start).days + 1
    rows = []
    for kpi in card.kpis:
        goal, red_flag, source = thresholds(kpi, targets, months, filtered)
        if source != "targets":
            continue
        projected = project(so_far[kpi.id], kpi.target_scale, elapsed, total)
        projected_score = score(projected, goal, red_flag, kpi.lower_is_better)
        rows.append({"kpi": kpi.id, "so_far": so_far[kpi.id], "projected": projected, "goal": goal,
                     "red_flag": red_flag, "score": projected_score, "status": status(projected_score)})
    frame = pd.DataFrame(rows, columns=["kpi", "so_far", "projected", "goal", "red_flag", "score", "status"])
    return frame.set_index("kpi")


# --- strategy map ---------------------------------------------------------------------------

def strategy_map(card: Scorecard, objective_scores: dict[str, float | None]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Positions for the strategy map: one horizontal band per perspective (the first one in the
    definition at the top), objectives spread evenly in their band; and the cause-and-effect links.

    Returns (nodes: perspective, band, objective, name, label, x, y, score, status, kpis;
    links: x, y, x2, y2 from the supporting objective to the one it supports)."""
    nodes = []
    bands = len(card.perspectives)
    for index, perspective in enumerate(card.perspectives):
        band = bands - 1 - index
        count = len(perspective.objectives)
        for position, objective in enumerate(perspective.objectives):
            value = objective_scores.get(objective.id)
            nodes.append({
                "perspective": perspective.name, "band": band, "objective": objective.id, "name": objective.name,
                "label": "\n".join(textwrap.wrap(objective.name, 22)),
                "x": (position + 0.5) / count, "y": band + 0.5,
                "score": shown_score(value), "status": status(value),
                "kpis": ", ".join(k.label for k in objective.kpis),
            })
    nodes = pd.DataFrame(nodes)
    where = nodes.set_index("objective")
    links = [{"source": o.id, "target": t, "x": where.x[o.id], "y": where.y[o.id], "x2": where.x[t], "y2": where.y[t]}
             for o in card.objectives for t in o.supports]
    return nodes, pd.DataFrame(links, columns=["source", "target", "x", "y", "x2", "y2"])
