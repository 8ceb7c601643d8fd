"""The query library: files dropped into queries/ are listed and run; broken ones are isolated."""
import shutil

import pytest
from streamlit.testing.v1 import AppTest

from conftest import ROOT, open_page

PAGE = "pages/7_Query_library.py"
GOOD = """-- title: Customers per segment
-- description: One row per segment.
-- chart: bar x=segment y=customers_count
SELECT segment, count(*)::BIGINT AS customers_count FROM customers
WHERE in_filter($regions, region) GROUP BY segment ORDER BY segment
"""
TOP = """-- title: Biggest orders
-- param: top_n integer 3 How many orders
-- param: minimum number 0.5 Smallest amount
SELECT order_id, amount FROM orders WHERE amount >= $minimum ORDER BY amount DESC, order_id LIMIT $top_n
"""
BROKEN = {
    "syntax": ("-- title: Syntax\nSELECT 1,\n  2 FRO customers", "syntax error at or near", "(line 2)"),
    "unknown_parameter": ("-- title: P\nSELECT $top_k", "unknown parameter $top_k", "line 2"),
    "unknown_key": ("-- title: K\n-- colour: red\nSELECT 1", "unknown header key 'colour'", "line 2"),
    "two_statements": ("-- title: Two\nSELECT 1; SELECT 2", "holds 2 statements", ""),
    "not_select": ("-- title: Drop\nDROP VIEW customers", "is not a SELECT statement", ""),
    "qualified": ("-- title: Escape\nSELECT * FROM wh.main.customers", "database or schema prefix", ""),
    "runtime": ("-- title: Runtime\nSELECT 'abc'::INTEGER AS n", "The query failed", ""),
}


@pytest.fixture
def queries_dir(tmp_path, demo_warehouse, monkeypatch):
    """The shipped queries plus test files, so the rest of the app keeps its own queries."""
    folder = tmp_path / "queries"
    shutil.copytree(ROOT / "queries", folder)
    (folder / "team").mkdir()
    (folder / "team" / "customers_per_segment.sql").write_text(GOOD, encoding="utf-8")
    (folder / "team" / "biggest_orders.sql").write_text(TOP, encoding="utf-8")
    for name, (text, _, _) in BROKEN.items():
        (folder / "broken" / f"{name}.sql").parent.mkdir(exist_ok=True)
        (folder / "broken" / f"{name}.sql").write_text(text, encoding="utf-8")
    monkeypatch.setenv("CRM_QUERIES_DIR", str(folder))
    monkeypatch.setenv("CRM_DATA_DIR", str(demo_warehouse))
    monkeypatch.chdir(ROOT)
    return folder


def open_library(**params) -> AppTest:
    return open_page(PAGE, params)


def texts(at: AppTest) -> str:
    return " ".join(e.value for kind in ("markdown", "caption", "error", "info", "subheader")
                    for e in at.get(kind) if isinstance(getattr(e, "value", None), str))


def test_new_files_are_listed_and_searchable(queries_dir):
    at = open_library()
    assert not at.exception
    labels = [link.proto.label for link in at.get("page_link")]
    assert any("Customers per segment" in label for label in labels)
    assert any("Biggest orders" in label for label in labels)
    at.text_input(key="library_search").input("segment").run()
    labels = [link.proto.label for link in at.get("page_link")]
    assert any("Customers per segment" in label for label in labels)
    assert not any("Biggest orders" in label for label in labels)


def test_a_new_file_runs_with_the_filters(queries_dir):
    at = open_library(q="customers_per_segment", region="Iberia")
    assert not at.exception
    table = at.dataframe[0].value
    assert list(table["segment"]) == sorted(table["segment"]) and table["customers_count"].sum() > 0
    everyone = open_library(q="customers_per_segment").dataframe[0].value
    assert table["customers_count"].sum() < everyone["customers_count"].sum()  # the region filter applied


def test_typed_parameters_render_as_inputs_and_are_bound(queries_dir):
    at = open_library(q="biggest_orders")
    assert len(at.dataframe[0].value) == 3  # the default
    at.number_input(key="param_biggest_orders_top_n").set_value(5).run()
    assert not at.exception
    assert len(at.dataframe[0].value) == 5


def test_a_file_changed_on_disk_is_picked_up(queries_dir):
    at = open_library(q="customers_per_segment")
    assert "segment" in at.dataframe[0].value.columns
    (queries_dir / "team" / "customers_per_segment.sql").write_text(
        GOOD.replace("SELECT segment,", "SELECT segment AS customer_segment,").replace("GROUP BY segment ORDER BY segment",
                                                                                   "GROUP BY 1 ORDER BY 1"))
    at.run()
    assert "customer_segment" in at.dataframe[0].value.columns


@pytest.mark.parametrize("name", BROKEN)
def test_each_broken_file_shows_its_own_error(queries_dir, name):
    _, message, where = BROKEN[name]
    at = open_library(q=name)
    assert not at.exception
    errors = " ".join(e.value for e in at.error)
    assert message in errors and where in errors
    assert f"{name}.sql" in errors or name == "runtime"


def test_broken_files_do_not_break_the_list_or_other_pages(queries_dir):
    at = open_library()
    assert not at.exception
    assert len(at.error) == 6  # all but the runtime error are found without running the query
    overview = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120).run()
    assert not overview.exception and len(overview.metric) >= 9


def test_a_long_query_is_stopped_with_a_message(queries_dir, monkeypatch):
    (queries_dir / "slow.sql").write_text("-- title: Slow\nSELECT count(*) AS pairs_count FROM orders a, orders b, "
                                          "orders c WHERE a.amount + b.amount + c.amount > 0")
    monkeypatch.setenv("CRM_QUERY_TIMEOUT_SECONDS", "0.3")
    at = open_library(q="slow")
    assert not at.exception
    assert "stopped after 0.3 s" in " ".join(e.value for e in at.error)


def test_large_results_are_capped_on_screen(queries_dir, monkeypatch):
    monkeypatch.setenv("CRM_DISPLAY_ROWS", "2")
    at = open_library(q="customers_per_segment")
    assert len(at.dataframe[0].value) == 2
    assert "Showing the first 2 of 4 rows; the CSV download has them all." in texts(at)


def test_unknown_query_id_shows_an_empty_state(queries_dir):
    at = open_library(q="nope")
    assert not at.exception and "no query file named `nope.sql`" in texts(at)
