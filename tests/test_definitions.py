"""DESIGN.md section 4 on a hand-made dataset; every expected number is worked out here by hand.

Customers (dates 2024 unless said otherwise):
  A  acquired 01-10, order 02-01, never lost
  B  acquired 01-15, order 01-20, lost 03-05
  C  acquired 2023-12-01, lost 02-10, orders 04-20 and 05-01 (a win-back)
  D  acquired 03-01, no orders
  E  acquired 01-01, orders 01-05 and 03-01
  Z  (region Nordics) acquired 01-01, an interaction on 06-30 makes the as-of date 06-30
"""
import pytest

from conftest import Runner, build_warehouse, customer, d, order

CUSTOMERS = [
    customer("A", "2024-01-10"),
    customer("B", "2024-01-15", "2024-03-05", segment="Small national"),
    customer("C", "2023-12-01", "2024-02-10"),
    customer("D", "2024-03-01", channel="Telephone"),
    customer("E", "2024-01-01"),
    customer("Z", "2024-01-01", region="Nordics"),
]
ORDERS = [order("A", "2024-02-01", 50), order("B", "2024-01-20", 200), order("C", "2024-04-20", 30),
          order("C", "2024-05-01", 70), order("E", "2024-01-05", 10), order("E", "2024-03-01", 20)]
INTERACTIONS = [{"interaction_id": "i1", "customer_id": "Z", "channel": "Web", "interacted_on": d("2024-06-30")}]
TABLES = {"customers": CUSTOMERS, "orders": ORDERS, "interactions": INTERACTIONS}
IBERIA = {"regions": ["Iberia"]}  # leaves out Z, who is active throughout


@pytest.fixture(scope="module")
def plain(tmp_path_factory):
    return Runner(build_warehouse(tmp_path_factory.mktemp("plain"), TABLES))


@pytest.fixture(scope="module")
def window30(tmp_path_factory):
    return Runner(build_warehouse(tmp_path_factory.mktemp("window"), TABLES, inactive_after_days=30))


def spells(runner):
    frame = runner.sql("SELECT customer_id, spell_no, start_on, end_on FROM customer_spells ORDER BY ALL")
    return [(r.customer_id, r.spell_no, str(r.start_on.date()), None if r.end_on is None or str(r.end_on) == "NaT"
             else str(r.end_on.date())) for r in frame.itertuples()]


def test_as_of_is_the_latest_date_in_the_data(plain):
    assert str(plain.sql("SELECT as_of FROM warehouse_info").iloc[0, 0].date()) == "2024-06-30"


def test_spells_without_inactivity_window(plain):
    assert spells(plain) == [
        ("A", 1, "2024-01-10", None),
        ("B", 1, "2024-01-15", "2024-03-05"),          # ends on lost_on
        ("C", 1, "2023-12-01", "2024-02-10"),
        ("C", 2, "2024-04-20", None),                  # the order after the loss reactivates
        ("D", 1, "2024-03-01", None),
        ("E", 1, "2024-01-01", None),                  # no window: a gap never ends a spell
        ("Z", 1, "2024-01-01", None),
    ]


def test_spells_with_a_30_day_window(window30):
    assert spells(window30) == [
        ("A", 1, "2024-01-10", "2024-03-02"),          # last order 02-01 + 30 days (2024 is a leap year)
        ("B", 1, "2024-01-15", "2024-02-19"),          # lapsed (01-20 + 30) before the recorded loss
        ("C", 1, "2023-12-01", "2023-12-31"),          # no order after acquisition: 12-01 + 30
        ("C", 2, "2024-04-20", "2024-05-31"),
        ("D", 1, "2024-03-01", "2024-03-31"),
        ("E", 1, "2024-01-01", "2024-02-04"),          # 01-05 + 30
        ("E", 2, "2024-03-01", "2024-03-31"),          # 56 days after the last order: reactivation
        ("Z", 1, "2024-01-01", "2024-01-31"),
    ]


def test_an_order_exactly_at_the_window_end_starts_a_new_spell(tmp_path):
    runner = Runner(build_warehouse(tmp_path, {
        "customers": [customer("F", "2024-01-01")],
        "orders": [order("F", "2024-01-31"), order("F", "2024-02-10")]}, inactive_after_days=30))
    # Spell 1 is active while d < 01-31, so an order on 01-31 comes after its end.
    assert spells(runner) == [("F", 1, "2024-01-01", "2024-01-31"), ("F", 2, "2024-01-31", None)]


def test_an_end_after_the_as_of_date_is_still_open(tmp_path):
    runner = Runner(build_warehouse(tmp_path, {
        "customers": [customer("G", "2024-01-01")],
        "orders": [order("G", "2024-06-20")]}, inactive_after_days=30))
    # Spell 1 lapses on 01-31; the order on 06-20 starts spell 2, whose end (07-20) lies
    # after the as-of date (06-20): not known yet, so it is open.
    assert spells(runner) == [("G", 1, "2024-01-01", "2024-01-31"), ("G", 2, "2024-06-20", None)]


@pytest.mark.parametrize("start, end, expected", [
    # (active_start, new, reactivated, lost, active_end, churn)
    ("2024-02-01", "2024-02-29", (4, 0, 0, 1, 3, 1 / 4)),   # A B C E at start; C lost 02-10
    ("2024-03-01", "2024-03-31", (3, 1, 0, 1, 3, 1 / 3)),   # D new on the first day; B lost 03-05
    ("2024-04-01", "2024-04-30", (3, 0, 1, 0, 4, 0.0)),     # C back on 04-20
    ("2024-01-01", "2024-06-30", (1, 4, 1, 2, 4, 1.0)),     # only C active on 01-01; B and C lost
])
def test_period_movements_without_window(plain, start, end, expected):
    row = plain("kpis", start, end, **IBERIA).iloc[0]
    got = (row.active_start_count, row.new_count, row.reactivated_count, row.lost_count, row.active_end_count)
    assert got == expected[:5]
    assert row.churn_rate_pct == pytest.approx(expected[5])


def test_period_movements_with_window(window30):
    row = window30("kpis", "2024-03-01", "2024-03-31", **IBERIA).iloc[0]
    # At 03-01 only A (ends 03-02) is active; D new, E back on 03-01; A, D and E end in March.
    assert (row.active_start_count, row.new_count, row.reactivated_count, row.lost_count,
            row.active_end_count) == (1, 1, 1, 3, 0)
    assert row.churn_rate_pct == pytest.approx(1.0)


def test_period_boundaries_are_inclusive_days(plain):
    # B is lost on 03-05: a period ending 03-04 still counts B active at its end; one ending 03-05 does not.
    assert plain("kpis", "2024-03-01", "2024-03-04", **IBERIA).iloc[0].lost_count == 0
    row = plain("kpis", "2024-03-01", "2024-03-05", **IBERIA).iloc[0]
    assert (row.lost_count, row.active_end_count) == (1, 3)


def test_monthly_movements_chain_and_satisfy_the_identity(plain):
    months = plain("movements_monthly", "2024-01-15", "2024-04-30", **IBERIA)
    assert [str(m.date()) for m in months.month] == ["2024-01-01", "2024-02-01", "2024-03-01", "2024-04-01"]
    # January is clipped to 01-15..01-31: C and A (01-10) and E (01-01) active on 01-15; B new on 01-15.
    assert months.iloc[0][["active_start_count", "new_count", "lost_count", "active_end_count"]].tolist() == [3, 1, 0, 4]
    assert (months.active_start_count + months.new_count + months.reactivated_count - months.lost_count
            == months.active_end_count).all()
    assert (months.active_start_count.iloc[1:].values == months.active_end_count.iloc[:-1].values).all()
    assert months.churn_rate_pct.tolist() == pytest.approx([0.0, 1 / 4, 1 / 3, 0.0])


def test_filters_by_segment_and_channel(plain):
    assert plain("kpis", "2024-03-01", "2024-03-31", segments=["Small national"]).iloc[0].lost_count == 1  # B
    assert plain("kpis", "2024-03-01", "2024-03-31", channels=["Telephone"]).iloc[0].new_count == 1      # D
    assert plain("kpis", "2024-03-01", "2024-03-31", regions=["Nordics"]).iloc[0].active_end_count == 1  # Z


def test_revenue_and_arpa(plain):
    row = plain("kpis", "2024-01-01", "2024-03-31", **IBERIA).iloc[0]
    # Orders in Q1: A 50 + B 200 + E 10 + E 20 = 280. Active: 1 at start (C), 3 at end (A D E).
    assert row.revenue_amount == pytest.approx(280)
    assert row.arpa_amount == pytest.approx(280 / 2)
    monthly = plain("revenue_monthly", "2024-01-01", "2024-03-31")
    assert monthly.revenue_amount.tolist() == pytest.approx([210, 50, 20])
    assert monthly.orders_count.tolist() == [2, 1, 1]
    assert monthly.customers_count.tolist() == [2, 1, 1]


def test_nps_and_channel_cost(tmp_path):
    scores = [10, 9, 9, 8, 7, 6, 0, None]  # 3 promoters, 2 detractors, 7 answers -> 100 * 1/7
    surveys = [{"survey_id": f"s{i}", "customer_id": "A", "answered_on": d("2024-02-10"), "nps_score": s,
                "csat_score": 4} for i, s in enumerate(scores)]
    costs = [{"month": d(m), "channel": c, "region": "Iberia", "acquisition_cost": a, "service_cost": s}
             for m, c, a, s in [("2024-01-01", "Web", 100, 10), ("2024-02-01", "Web", 200, 20),
                                ("2024-02-01", "Fax", 5, 1), ("2024-03-01", "Web", 400, 40)]]
    runner = Runner(build_warehouse(tmp_path, {"customers": [customer("A", "2024-01-01")],
                                               "surveys": surveys, "channel_costs": costs}))
    row = runner("kpis", "2024-02-01", "2024-02-29").iloc[0]
    assert row.nps_score == pytest.approx(100 / 7)
    assert row.channel_cost_amount == pytest.approx(226)
    assert runner("kpis", "2024-02-01", "2024-02-29", channels=["Fax"]).iloc[0].channel_cost_amount == pytest.approx(6)
    # A period that cuts months takes the days it covers: 15-29 Feb is 15 of 29 days (226 x 15/29),
    # 1-10 Mar is 10 of 31 days (440 x 10/31); the same on the Channels page.
    cut = runner("kpis", "2024-02-15", "2024-03-10").iloc[0].channel_cost_amount
    assert cut == pytest.approx(226 * 15 / 29 + 440 * 10 / 31)
    assert runner("channel_totals", "2024-02-15", "2024-03-10").iloc[0].cost_amount == pytest.approx(cut)
    assert runner("channel_cost_share", "2024-02-15", "2024-03-10").iloc[0].channel_cost_amount == pytest.approx(cut)
    by_month = runner("kpis_monthly", "2024-02-15", "2024-03-10").channel_cost_amount.tolist()
    assert by_month == pytest.approx([226 * 15 / 29, 440 * 10 / 31])


def test_churn_is_not_defined_without_customers_at_the_start(plain):
    row = plain("kpis", "2020-01-01", "2020-12-31").iloc[0]
    assert row.active_start_count == 0
    assert row.churn_rate_pct is None or row.churn_rate_pct != row.churn_rate_pct  # NULL / NaN, not an error
