"""Many sessions at once, and a warehouse swap under load: every page renders without an error,
and every session sees the new data after the swap."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from conftest import ROOT, open_page

PAGES = ["dashboard.py", *sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "pages").glob("*.py"))]
SESSIONS = 12


def load_all(pages: list[str]) -> list[str]:
    """Open the pages at once, each as its own session; the errors they show, if any."""
    def load(page: str) -> list[str]:
        at = open_page(page, view_as="admin@example.com", timeout=240)
        return [f"{page}: {e.value}" for e in (*at.exception, *at.error)]
    with ThreadPoolExecutor(SESSIONS) as sessions:
        return [error for errors in sessions.map(load, pages) for error in errors]


def customers_in_warehouse() -> int:
    """The customers row of the Data page's "Rows per table", as a new session sees it."""
    at = open_page("pages/8_Data.py", view_as="admin@example.com")
    table = next(t.value for t in at.dataframe if "table_name" in t.value.columns)
    return int(table.loc[table["table_name"] == "customers", "rows_count"].iloc[0])


@pytest.fixture
def swap_dir(tmp_path, monkeypatch):
    from crm import demo
    monkeypatch.setenv("CRM_DATA_DIR", str(tmp_path))
    monkeypatch.chdir(ROOT)
    demo.build(tmp_path, customers=1_000, seed=3)
    return tmp_path


def test_many_sessions_and_a_swap_under_load(swap_dir):
    from crm import demo
    pages = (PAGES * 2)[:SESSIONS]
    assert load_all(pages) == []
    assert customers_in_warehouse() == 1_000
    with ThreadPoolExecutor(1) as builder:
        swap = builder.submit(demo.build, swap_dir, customers=1_200, seed=4)
        during = load_all(pages)  # sessions keep loading while the new version is built and swapped in
        swap.result()
    assert during == []
    assert load_all(pages) == []
    assert customers_in_warehouse() == 1_200
