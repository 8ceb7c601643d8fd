"""The speed marts change no number: kpis_monthly equals kpis month by month, and kpis and
revenue_monthly equal the same definitions computed straight from the base tables.

Hand-made data first (counts worked out by hand), then the demo warehouse against reference
SQL over the base tables (orders x customers, surveys x customers, customer_spells).
"""
import math
from types import SimpleNamespace

import pytest

from conftest import Runner, build_warehouse, customer, d, order
from crm import kpis
from test_definitions import IBERIA, TABLES

COUNTS = ["active_start_count", "active_end_count", "new_count", "reactivated_count", "lost_count",
          "orders_count", "responses_count"]
AMOUNTS = ["churn_rate_pct", "revenue_amount", "arpa_amount", "nps_score", "channel_cost_amount"]


def missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def assert_same_kpis(got: dict, expected: dict, where: str) -> None:
    for column in COUNTS:
        assert got[column] == expected[column], f"{where} {column}"
    for column in AMOUNTS:
        if missing(expected[column]):
            assert missing(got[column]), f"{where} {column}: {got[column]} instead of NULL"
        else:
            assert got[column] == pytest.approx(expected[column], rel=1e-12, abs=1e-9), f"{where} {column}"


def assert_monthly_equals_kpis(runner: Runner, start: str, end: str, **lists) -> None:
    monthly = runner("kpis_monthly", start, end, **lists)
    windows = kpis.months_of(d(start), d(end), last=10_000)
    assert [m.date() for m in monthly.month] == [first.replace(day=1) for first, _ in windows]
    for row, (first, last) in zip(monthly.to_dict("records"), windows):
        expected = runner("kpis", str(first), str(last), **lists).iloc[0].to_dict()
        assert_same_kpis(row, expected, f"{first:%Y-%m} {lists}")


# --- the hand-made dataset of test_definitions ------------------------------------------------

@pytest.fixture(scope="module")
def plain(tmp_path_factory):
    surveys = [{"survey_id": f"s{i}", "customer_id": c, "answered_on": d(day), "nps_score": s, "channel": ch}
               for i, (c, day, s, ch) in enumerate([("A", "2024-02-10", 10, None), ("B", "2024-02-11", 3, "Fax"),
                                                    ("E", "2024-03-20", 9, None), ("C", "2024-05-02", 7, None)])]
    costs = [{"month": d(m), "channel": "Web", "region": "Iberia", "acquisition_cost": 10.0, "service_cost": 1.0}
             for m in ("2024-01-01", "2024-02-01", "2024-03-01", "2024-04-01")]
    return Runner(build_warehouse(tmp_path_factory.mktemp("marts"),
                                  {**TABLES, "surveys": surveys, "channel_costs": costs}))


@pytest.fixture(scope="module")
def window30(tmp_path_factory):
    return Runner(build_warehouse(tmp_path_factory.mktemp("marts30"), TABLES, inactive_after_days=30))


@pytest.mark.parametrize("start, end", [("2024-01-01", "2024-06-30"), ("2024-01-15", "2024-04-10"),
                                        ("2023-11-20", "2024-02-05"), ("2024-03-05", "2024-03-05")])
@pytest.mark.parametrize("lists", [{}, IBERIA, {"segments": ["Small national"]}, {"channels": ["Telephone", "Fax"]}])
def test_kpis_monthly_equals_kpis_month_by_month(plain, window30, start, end, lists):
    assert_monthly_equals_kpis(plain, start, end, **lists)
    assert_monthly_equals_kpis(window30, start, end, **lists)


def test_kpis_monthly_by_hand(plain):
    months = plain("kpis_monthly", "2024-02-01", "2024-03-31", **IBERIA)
    # February: A B C E active at the start, C lost (02-10); March: D new, B lost (03-05).
    assert months[["active_start_count", "new_count", "lost_count", "active_end_count"]].values.tolist() == [
        [4, 0, 1, 3], [3, 1, 1, 3]]
    assert months.churn_rate_pct.tolist() == pytest.approx([1 / 4, 1 / 3])
    assert months.revenue_amount.tolist() == pytest.approx([50, 20])     # A 02-01; E 03-01
    assert months.nps_score.tolist() == pytest.approx([0.0, 100.0])      # A 10, B 3; E 9
    assert months.channel_cost_amount.tolist() == pytest.approx([11, 11])


def test_series_is_the_last_months_with_clipped_starts(plain):
    def run(query_id, values):
        return plain(query_id, str(values["start_date"]), str(values["end_date"]))

    trend = kpis.per_month(SimpleNamespace(run=run), "kpis", {"start_date": d("2024-01-15"), "end_date": d("2024-06-30")},
                           last=3)
    assert trend.month.tolist() == [d("2024-04-01"), d("2024-05-01"), d("2024-06-01")]
    assert trend.reactivated_count.tolist() == [1, 0, 0]  # C back on 04-20
    whole = kpis.per_month(SimpleNamespace(run=run), "kpis", {"start_date": d("2024-01-15"), "end_date": d("2024-06-30")})
    assert whole.month.iloc[0] == d("2024-01-15")  # the first window starts with the period


def test_distinct_customers_per_month_with_channel_filters(tmp_path):
    # P orders by Web and Fax in February, Q by Fax, R by Web on 02-20; a period cut on 02-15.
    runner = Runner(build_warehouse(tmp_path, {
        "customers": [customer("P", "2024-01-01"), customer("Q", "2024-01-01"), customer("R", "2024-01-01")],
        "orders": [order("P", "2024-02-03", channel="Web"), order("P", "2024-02-04", channel="Fax"),
                   order("Q", "2024-02-10", channel="Fax"), order("R", "2024-02-20", channel="Web"),
                   order("P", "2024-03-01", channel="Fax")]}))

    def customers(start, end, **lists):
        return runner("revenue_monthly", start, end, **lists).customers_count.tolist()

    assert customers("2024-02-01", "2024-03-31") == [3, 1]
    assert customers("2024-02-01", "2024-03-31", channels=["Web"]) == [2, 0]          # P, R
    assert customers("2024-02-01", "2024-03-31", channels=["Fax"]) == [2, 1]          # P, Q; P
    assert customers("2024-02-01", "2024-03-31", channels=["Web", "Fax"]) == [3, 1]   # P once
    assert customers("2024-02-05", "2024-03-31", channels=["Web", "Fax"]) == [2, 1]   # from 02-05: Q, R
    assert customers("2024-02-04", "2024-02-15") == [2]                              # P, Q


# --- the demo warehouse against the definitions computed from the base tables ---------------

REFERENCE_KPIS = """
WITH spells AS (
    SELECT * FROM customer_spells
    WHERE in_filter($regions, region) AND in_filter($segments, segment) AND in_filter($channels, channel)
),
orders_in AS (
    SELECT o.amount FROM orders o JOIN customers c USING (customer_id)
    WHERE o.ordered_on BETWEEN $start_date AND $end_date AND in_filter($regions, c.region)
      AND in_filter($segments, c.segment) AND in_filter($channels, coalesce(o.channel, c.channel))
),
answers AS (
    SELECT s.nps_score FROM surveys s JOIN customers c USING (customer_id)
    WHERE s.nps_score IS NOT NULL AND s.answered_on BETWEEN $start_date AND $end_date
      AND in_filter($regions, c.region) AND in_filter($segments, c.segment)
      AND in_filter($channels, coalesce(s.channel, c.channel))
)
SELECT
    (SELECT count(*) FROM spells WHERE start_on < $start_date AND (end_on IS NULL OR end_on >= $start_date)) AS active_start_count,
    (SELECT count(*) FROM spells WHERE start_on <= $end_date AND (end_on IS NULL OR end_on > $end_date)) AS active_end_count,
    (SELECT count(*) FROM spells WHERE NOT is_reactivation AND start_on BETWEEN $start_date AND $end_date) AS new_count,
    (SELECT count(*) FROM spells WHERE is_reactivation AND start_on BETWEEN $start_date AND $end_date) AS reactivated_count,
    (SELECT count(*) FROM spells WHERE end_on BETWEEN $start_date AND $end_date) AS lost_count,
    (SELECT count(*) FROM spells WHERE start_on < $start_date AND end_on BETWEEN $start_date AND $end_date) AS lost_from_start_count,
    (SELECT coalesce(sum(amount), 0) FROM orders_in) AS revenue_amount,
    (SELECT count(*) FROM orders_in) AS orders_count,
    (SELECT count(*) FROM answers) AS responses_count,
    (SELECT 100.0 * (count(*) FILTER (WHERE nps_score >= 9) - count(*) FILTER (WHERE nps_score <= 6))
            / nullif(count(*), 0) FROM answers) AS nps_score
"""

REFERENCE_CUSTOMERS = """
SELECT date_trunc('month', o.ordered_on)::DATE AS month, count(DISTINCT o.customer_id) AS customers_count
FROM orders o JOIN customers c USING (customer_id)
WHERE o.ordered_on BETWEEN $start_date AND $end_date AND in_filter($regions, c.region)
  AND in_filter($segments, c.segment) AND in_filter($channels, coalesce(o.channel, c.channel))
GROUP BY 1 ORDER BY 1
"""

VIEWS = [{}, {"regions": ["Iberia"]}, {"segments": ["Household"]}, {"channels": ["Web"]},
         {"channels": ["Web", "Fax", "Partner"], "segments": ["Multinational", "Household"]}]


@pytest.fixture(scope="module")
def demo(demo_warehouse):
    from crm import warehouse
    return Runner(warehouse.current_path(demo_warehouse))


def reference(runner: Runner, sql: str, start: str, end: str, lists: dict):
    values = {"start_date": d(start), "end_date": d(end), "regions": [], "segments": [], "channels": [], **lists}
    from crm import warehouse
    return warehouse.run(runner.con, sql, {k: v for k, v in values.items() if f"${k}" in sql}).frame


@pytest.mark.parametrize("lists", VIEWS)
@pytest.mark.parametrize("start, end", [("2025-11-01", "2026-10-31"), ("2024-02-17", "2024-09-09")])
def test_kpis_equal_the_definitions_on_the_demo_warehouse(demo, start, end, lists):
    got = demo("kpis", start, end, **lists).iloc[0].to_dict()
    expected = reference(demo, REFERENCE_KPIS, start, end, lists).iloc[0].to_dict()
    for column in ["active_start_count", "active_end_count", "new_count", "reactivated_count", "lost_count",
                   "orders_count", "responses_count"]:
        assert got[column] == expected[column], column
    assert got["churn_rate_pct"] == pytest.approx(expected["lost_from_start_count"] / expected["active_start_count"])
    assert got["revenue_amount"] == pytest.approx(expected["revenue_amount"], rel=1e-12)
    assert got["nps_score"] == pytest.approx(expected["nps_score"], rel=1e-12)


@pytest.mark.parametrize("lists", VIEWS)
def test_kpis_monthly_equals_kpis_on_the_demo_warehouse(demo, lists):
    assert_monthly_equals_kpis(demo, "2025-11-01", "2026-10-31", **lists)
    assert_monthly_equals_kpis(demo, "2024-02-17", "2024-09-09", **lists)


@pytest.mark.parametrize("lists", VIEWS)
@pytest.mark.parametrize("start, end", [("2025-11-01", "2026-10-31"), ("2024-02-17", "2024-09-09"),
                                        ("2024-03-01", "2024-05-20"), ("2024-03-10", "2024-03-20")])
def test_distinct_customers_per_month_equal_the_orders(demo, start, end, lists):
    got = demo("revenue_monthly", start, end, **lists)
    expected = reference(demo, REFERENCE_CUSTOMERS, start, end, lists)
    assert dict(zip(got.month, got.customers_count)) == {
        month: dict(zip(expected.month, expected.customers_count)).get(month, 0) for month in got.month}
    assert set(expected.month) <= set(got.month)


# --- kpis_breakdown: one query for every region, segment and channel --------------------------

def assert_by_value_equals_kpis(runner: Runner, start: str, end: str, options: dict, **lists) -> None:
    def run(query_id, values):
        return runner(query_id, str(values["start_date"]), str(values["end_date"]),
                      **{name: values[name] for name in ("regions", "segments", "channels")})

    values = {"start_date": d(start), "end_date": d(end), "regions": [], "segments": [], "channels": [], **lists}
    for name, field in (("regions", "region"), ("segments", "segment"), ("channels", "channel")):
        frame = kpis.per_value(SimpleNamespace(run=run), "kpis", values, name, options[name])
        assert frame[field].tolist() == (lists.get(name) or options[name])
        for row in frame.to_dict("records"):
            expected = runner("kpis", start, end, **{**lists, name: [row[field]]}).iloc[0].to_dict()
            assert_same_kpis(row, expected, f"{name}={row[field]} {lists}")


HAND_OPTIONS = {"regions": ["Iberia", "Nordics", "Atlantis"], "segments": ["Household", "Small national", "Nobody"],
                "channels": ["Fax", "Telephone", "Web"]}


@pytest.mark.parametrize("start, end", [("2024-01-01", "2024-06-30"), ("2024-02-15", "2024-03-31")])
@pytest.mark.parametrize("lists", [{}, IBERIA, {"channels": ["Web", "Fax"]}, {"segments": ["Nobody"]}])
def test_breakdown_equals_kpis_per_value(plain, window30, start, end, lists):
    assert_by_value_equals_kpis(plain, start, end, HAND_OPTIONS, **lists)
    assert_by_value_equals_kpis(window30, start, end, HAND_OPTIONS, **lists)


def test_breakdown_by_hand(plain):
    rows = plain("kpis_breakdown", "2024-02-01", "2024-03-31")
    segments = rows[rows.dimension == "segments"].set_index("value")
    assert segments.lost_count.to_dict() == {"Household": 1, "Small national": 1}   # C; B
    assert segments.channel_cost_amount.tolist() == pytest.approx([22, 22])          # costs have no segment
    channels = rows[rows.dimension == "channels"].set_index("value")
    assert channels.new_count.to_dict() == {"Fax": 0, "Telephone": 1, "Web": 0}      # D; Fax only answered a survey
    assert channels.nps_score.to_dict()["Fax"] == pytest.approx(-100.0)              # B's answer, by fax


@pytest.mark.parametrize("lists", VIEWS)
def test_breakdown_equals_kpis_on_the_demo_warehouse(demo, lists):
    options = demo("filter_options", "2024-01-01", "2024-01-01")
    options = {name: sorted(group.value) for name, group in options.groupby("dimension")}
    assert_by_value_equals_kpis(demo, "2025-11-01", "2026-10-31", options, **lists)
