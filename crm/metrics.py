"""The metric registry: every metric declared once, in queries/metrics.toml (beside the query
files that compute them, like a Rill metrics view or a dbt metric over a model).

A metric is a column of a query file with a label, one definition, the direction that is good,
and, where it has them, the scorecard's default goal and red flag. KPI tiles, the scorecard,
Explain and the Definitions page read metrics by id, so a definition is written in one place.
"""
from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from crm import settings
from crm.errors import CrmError

REGISTRY_FILE = "metrics.toml"  # in the queries folder
BETTER = ("higher", "lower")
TARGET_SCALES = ("none", "per_month", "compound_monthly")
KEYS = {"label", "group", "query", "column", "definition", "better", "goal", "red_flag", "target",
        "target_scale", "volume"}
_ID = re.compile(r"[a-z0-9_]+")


class RegistryError(CrmError):
    """The metric registry is wrong; the message names the file and the metric."""


@dataclass(frozen=True)
class Metric:
    id: str
    label: str
    query: str
    column: str
    definition: str
    better: str = "higher"
    group: str = ""
    goal: float | None = None
    red_flag: float | None = None
    target: str = ""
    target_scale: str = "none"
    volume: bool = False

    @property
    def lower_is_better(self) -> bool:
        return self.better == "lower"


def registry_path() -> Path:
    return Path(settings.get("queries_dir")) / REGISTRY_FILE


def load(path: Path | None = None) -> dict[str, Metric]:
    """Every metric by id, in the file's order; raises RegistryError naming the file and metric."""
    path = Path(path or registry_path())
    return _load(path, path.stat().st_mtime_ns)


@functools.lru_cache(maxsize=4)
def _load(path: Path, _modified: int) -> dict[str, Metric]:  # read again when the file changes
    try:
        entries = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise RegistryError(f"{path.name}: {error}") from None
    return {mid: _metric(path.name, mid, entry) for mid, entry in entries.items()}


def _metric(file: str, mid: str, entry: dict) -> Metric:
    where = f"{file}, metric {mid}"
    if not _ID.fullmatch(mid):
        raise RegistryError(f"{where}: an id is lower-case letters, digits and _")
    if unknown := sorted(set(entry) - KEYS):
        raise RegistryError(f"{where}: unknown key(s) {', '.join(unknown)}; known: {', '.join(sorted(KEYS))}")
    for key in ("label", "query", "column", "definition"):
        if not entry.get(key):
            raise RegistryError(f"{where}: '{key}' is missing")
    if entry.get("better", "higher") not in BETTER:
        raise RegistryError(f"{where}: better must be one of {', '.join(BETTER)}")
    if entry.get("target_scale", "none") not in TARGET_SCALES:
        raise RegistryError(f"{where}: target_scale must be one of {', '.join(TARGET_SCALES)}")
    goal, red_flag = entry.get("goal"), entry.get("red_flag")
    if (goal is None) != (red_flag is None):
        raise RegistryError(f"{where}: give both goal and red_flag, or neither")
    return Metric(id=mid, **{k: v for k, v in entry.items()}, **({} if "target" in entry else {"target": mid}))


def get(metric_id: str) -> Metric:
    metrics = load()
    if metric_id not in metrics:
        raise RegistryError(f"{REGISTRY_FILE}: there is no metric {metric_id!r}")
    return metrics[metric_id]


def some(ids: list[str]) -> list[Metric]:
    """The metrics with these ids, in this order (a page's tile row)."""
    return [get(mid) for mid in ids]


def by_group() -> dict[str, list[Metric]]:
    """The metrics by their group, groups in the order they first appear in the file."""
    groups: dict[str, list[Metric]] = {}
    for metric in load().values():
        groups.setdefault(metric.group or "Other", []).append(metric)
    return groups
