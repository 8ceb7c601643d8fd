"""Data access for the pages, and the one module that owns Streamlit caching.

Query files run in worker processes under hard limits (crm.sandbox); results are cached by
(warehouse file, SQL text, bound parameters): a rebuild or an edited query file is a new cache
key, so nobody sees stale numbers. A failure is never cached: st.cache_data keeps only results.
"""
from __future__ import annotations

import dataclasses
import threading
import time
from pathlib import Path

import pandas as pd
import streamlit as st

from crm import access, catalog, demo, sandbox, settings, warehouse

_build_lock = threading.Lock()
_cleaned: set[str] = set()


def warehouse_path() -> Path:
    """The current warehouse, as the query workers open it (the frame made sure there is one)."""
    path = warehouse.current_path(settings.get("data_dir"))
    if path is None:
        raise warehouse.WarehouseError("there is no warehouse yet: open the dashboard, or run "
                                       "`python -m crm build-demo` or `python -m crm import DIR`")
    return path.resolve()


def ensure_warehouse() -> Path:
    """The current warehouse, made ready first where needed (the frame calls this once per page):
    on first start the demo one is built with a progress bar, and a warehouse built by an earlier
    release gets this release's summary tables, rebuilt from its own tables."""
    data_dir = settings.get("data_dir")
    if str(data_dir) not in _cleaned:  # once per start: what killed builds left behind
        _cleaned.add(str(data_dir))
        warehouse.clean_debris(data_dir)
    path = warehouse.current_path(data_dir)
    if path is not None and _is_current(path):
        return path.resolve()
    with _build_lock:  # one session builds, the others wait for it
        path = warehouse.current_path(data_dir)
        if path is None:
            customers = settings.get("demo_customers")
            path = _with_progress(
                "Preparing the demo warehouse",
                "First start: the dashboard builds its demo data once; later starts open it at once.",
                f"Building the demo warehouse ({customers:,} customers)",
                lambda progress: demo.build(data_dir, customers=customers, seed=settings.get("demo_seed"),
                                            inactive_after_days=settings.get("inactive_after_days"),
                                            progress=progress))
        elif not _is_current(path):
            path = _with_progress(
                "Updating the warehouse",
                "This release of the dashboard computes its summary tables differently: they are rebuilt once "
                "from your data, which stays as it was.",
                "Rebuilding the summary tables", lambda progress: warehouse.upgrade(data_dir, progress))
    return path.resolve()


_current_files: set[str] = set()


def _is_current(path: Path) -> bool:
    """Built by this release's marts; remembered once known, since every query asks."""
    if str(path) not in _current_files:
        if _info(str(path.resolve()))["outdated"]:
            return False
        _current_files.add(str(path))
    return True


def _with_progress(title: str, caption: str, text: str, work) -> Path:
    """Run work(progress) under a progress bar, cleared when it is done."""
    notice = st.empty()
    with notice.container():
        st.subheader(title)
        st.caption(caption)
        bar = st.progress(0.0, text=f"{text}…")

    def progress(fraction: float, message: str) -> None:
        bar.progress(min(max(fraction, 0.0), 1.0), text=f"{text}: {message}")

    path = work(progress)
    notice.empty()
    return path


@st.cache_data(show_spinner=False, max_entries=2000)
def _run(path: str, sql: str, params: dict) -> warehouse.Result:
    started = time.perf_counter()
    frame = sandbox.query(path, sql, params)
    return warehouse.Result(frame, time.perf_counter() - started)


def problem(query: catalog.Query) -> catalog.QueryFileError | None:
    """Why a parsed query file may not run (syntax, several statements, not a SELECT, ...), or None."""
    found = sandbox.problem(str(warehouse_path()), query.sql)
    return catalog.QueryFileError(query.path, found) if found else None


def execute(query: catalog.Query, values: dict) -> warehouse.Result:
    """Run a parsed query file, with the user's regions: the one place every query passes.

    The clamped values are part of the cache key, so no result leaks from one user's scope to
    another's. Raises catalog.QueryFileError for a file the SQL check refuses, QueryError when the
    database fails it or it passes a limit.
    """
    scope = _scope()
    result = _checked(query, lambda: _run(str(warehouse_path()), query.sql, query.bind(scope.clamp(values))))
    return dataclasses.replace(result, frame=for_scope(result.frame, scope))


def _checked(query: catalog.Query, work):
    """work() with the worker's refusals and failures as this module's errors."""
    try:
        return work()
    except sandbox.Refused as refused:
        raise catalog.QueryFileError(query.path, str(refused)) from None
    except sandbox.QueryFailed as failed:
        raise warehouse.QueryError(str(failed)) from None


def _scope() -> access.Scope:
    scope = access.current()
    if scope is None:
        raise warehouse.QueryError("not signed in")
    return scope


def run(query_id: str, values: dict) -> pd.DataFrame:
    """Run a query file with the shared parameter values (only the ones it uses are bound)."""
    return execute(_parsed(query_id), values).frame


def run_each(query_id: str, value_sets: list[dict]) -> list[pd.DataFrame]:
    """Run a query file once per set of values, in one statement (catalog.Query.bind_each): one
    result per set, in order. For a KPI per month or per segment."""
    query = _parsed(query_id)
    scope = _scope()
    sql, params = query.bind_each([scope.clamp(values) for values in value_sets])
    result = _checked(query, lambda: _run(str(warehouse_path()), sql, params))
    return catalog.split_sets(for_scope(result.frame, scope), len(value_sets))


_parsed_files: dict[tuple[Path, str], tuple[Path, int, catalog.Query]] = {}


def _parsed(query_id: str) -> catalog.Query:
    """catalog.get, parsed again only when the file changed: pages run dozens of queries per rerun."""
    key = (settings.get("queries_dir"), query_id)
    known = _parsed_files.get(key)
    try:
        if known and known[0].stat().st_mtime_ns == known[1]:
            return known[2]
    except FileNotFoundError:  # moved or deleted: look it up again
        pass
    query = catalog.get(query_id)
    _parsed_files[key] = (query.path, query.path.stat().st_mtime_ns, query)
    return query


@st.cache_data(show_spinner=False, max_entries=8)
def _info(path: str) -> dict:
    return sandbox.info(path)


def info() -> dict:
    """source, built_at, as_of and data_start_on of the current warehouse."""
    return _info(str(warehouse_path()))


@st.cache_data(show_spinner=False, max_entries=8)
def _options(path: str) -> dict[str, list[str]]:
    frame = _run(path, catalog.get("filter_options").sql, {}).frame
    return {name: sorted(group["value"]) for name, group in frame.groupby("dimension")}


def filter_options() -> dict[str, list[str]]:
    """The values each list filter can take in the data: {'regions': [...], 'segments': [...], 'channels': [...]}."""
    return _options(str(warehouse_path()))


def breakdown_regions(selected) -> list[str]:
    """The regions a per-region breakdown may show: the selected ones the user may see, or with
    none selected every region they may see; never another region's name on their numbers."""
    scope = access.current()
    if scope is not None and scope.regions is not None:
        return scope.clamp_regions(selected)
    return list(selected) or filter_options().get("regions", [])


# --- what a user may receive: their regions' rows; personal data only with the right ----------

def for_scope(frame: pd.DataFrame, scope: access.Scope) -> pd.DataFrame:
    """A query's result as this user may receive it. Every query passes here (execute, run_each):
    rows of other regions are dropped (whatever the query file did with $regions), and names and
    e-mails are joined to customer ids, from the identities file, only for the personal-data right."""
    if scope.regions is not None and "region" in frame.columns:
        frame = frame[frame["region"].isna() | frame["region"].isin(scope.regions)].reset_index(drop=True)
    return with_identities(frame, scope)


def with_identities(frame: pd.DataFrame, scope: access.Scope) -> pd.DataFrame:
    """The frame with the personal columns right after customer_id: for scopes with the personal-data
    right only; everyone else gets the frame as it is (the warehouse holds no personal data)."""
    if not scope.personal_data or "customer_id" not in frame.columns or frame.empty:
        return frame
    people = warehouse.read_identities(warehouse_path(), frame["customer_id"].dropna().unique().tolist())
    added = [c for c in warehouse.personal_columns()["customers"] if c not in frame.columns]
    joined = frame.merge(people[["customer_id", *added]], on="customer_id", how="left")
    at = list(frame.columns).index("customer_id") + 1
    order = [*frame.columns[:at], *added, *frame.columns[at:]]
    return joined[order]


def find_customers(text: str) -> list[str]:
    """Ids of the customers whose name or e-mail holds the text; [] for users without the
    personal-data right (they cannot search by it)."""
    scope = access.current()
    if scope is None or not scope.personal_data or not text.strip():
        return []
    return warehouse.find_identities(warehouse_path(), text)


def for_download(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows a CSV download may hold: never a customer without consent, by the frame's consent
    column or, where it has none, by looking its customer ids up."""
    if "consent" in frame.columns:
        return frame[frame["consent"].fillna(False).astype(bool)]
    if "customer_id" in frame.columns and not frame.empty:
        agreed = warehouse.consenting(warehouse_path(), frame["customer_id"].dropna().unique().tolist())
        return frame[frame["customer_id"].isin(agreed)]
    return frame
