"""One home per metric: a new metric is one SQL file, one entry in queries/metrics.toml and its id
where it should show; tiles, Explain, the Definitions page and the scorecard then all have it."""
from __future__ import annotations

import shutil

import pytest

from conftest import ROOT, build_warehouse, customer, order, open_page
from crm import metrics

NEW_QUERY = """-- title: Orders per buying customer
-- description: one row: orders in the period / customers with an order in it
SELECT count(*) / count(DISTINCT customer_id) AS orders_per_buyer_score
FROM order_facts
WHERE ordered_on BETWEEN $start_date AND $end_date
  AND in_filter($regions, region) AND in_filter($segments, segment) AND in_filter($channels, channel)
"""
NEW_METRIC = """
[orders_per_buyer]
label = "Orders per buyer"
group = "Value"
query = "orders_per_buyer"
column = "orders_per_buyer_score"
definition = "Orders in the period divided by the customers who ordered in it."
better = "higher"
goal = 2
red_flag = 1
"""


@pytest.fixture
def project_copy(tmp_path, monkeypatch):
    """The app's pages and query files in a folder of their own (the library stays where it is), on
    a hand-made warehouse: as-of date 2024-03-15, so the period is 2023-03-16 – 2024-03-15 and the
    comparison the 12 months before. This period: A orders twice, B once: 3 / 2 = 1.5. The one
    before: A once: 1 / 1 = 1.0."""
    app = tmp_path / "app"
    app.mkdir()
    for name in ("dashboard.py", "pages", "queries", ".streamlit"):
        (shutil.copytree if (ROOT / name).is_dir() else shutil.copy)(ROOT / name, app / name)
    build_warehouse(tmp_path / "data", {
        "customers": [customer("A", "2022-06-01"), customer("B", "2022-06-01")],
        "orders": [order("A", "2023-02-01"), order("A", "2023-06-01"), order("A", "2024-02-01"),
                   order("B", "2024-03-15")]})
    monkeypatch.setenv("CRM_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("CRM_QUERIES_DIR", str(app / "queries"))
    monkeypatch.chdir(app)
    return app


def add_the_metric(app) -> None:
    (app / "queries" / "orders_per_buyer.sql").write_text(NEW_QUERY)
    with (app / "queries" / "metrics.toml").open("a") as registry:
        registry.write(NEW_METRIC)
    page = app / "pages" / "2_Lifecycle.py"
    page.write_text(page.read_text().replace('["top20_share",', '["orders_per_buyer", "top20_share",'))
    card = app / "queries" / "scorecard.toml"
    card.write_text(card.read_text().replace('id = "grow_revenue"\n', 'id = "grow_revenue"\n  metrics = ["orders_per_buyer"]\n', 1))


def test_a_new_metric_appears_everywhere_from_one_sql_file_and_one_entry(project_copy):
    add_the_metric(project_copy)
    assert metrics.get("orders_per_buyer").label == "Orders per buyer"

    at = open_page("pages/2_Lifecycle.py", {"tab": "Revenue concentration"}, root=project_copy)
    assert not at.exception, [e.value for e in at.exception]
    tile = next(m for m in at.metric if m.label == "Orders per buyer")
    assert tile.value == "1.5" and tile.delta == "+0.5"
    assert any("Orders in the period divided by the customers who ordered in it" in m.value for m in at.markdown)

    at = open_page("pages/9_Definitions.py", root=project_copy)
    assert any("**Orders per buyer** (higher is better; `orders_per_buyer_score` of `orders_per_buyer`)" in m.value
               for m in at.markdown)

    at = open_page("pages/4_Scorecard.py", root=project_copy)
    assert not at.exception, [e.value for e in at.exception]
    assert "Orders per buyer" in " ".join(str(e.value) for e in at.markdown)
