"""The Channels page's queries on hand-made datasets; every expected number is worked out here by hand.

March 2024 (the main period; Feb 2024 is the stretch before it). Regions Iberia unless said.
  customer  segment        acquired through  acquired / lost
  A         Household      Web               03-05 (new in March)
  B         Multinational  Web               03-10 (new in March)
  C         Household      Telephone         2023-06-01, lost 03-20
  D         Household      Web (Nordics)     03-15 (new in March)
  E         Multinational  Web               02-10 (new in February)
  F         Household      Web               2023-01-01, lost 03-15, never in touch
  G         Multinational  Telephone         2023-01-01

  interactions in March: A Web 03-06, Telephone 03-08, Web 03-12 | B Web 03-11 |
                         C Telephone 03-02, Telephone 03-03, Web 03-04 | D Web 03-16
  interactions in Feb:   C Telephone 02-15 | E Telephone 02-20 | G Web 02-05
  orders in March:       A Web 100 (03-06) | B Web 300 (03-11) | C Telephone 50 (03-02) | E Web 200 (03-25)
  orders in Feb:         E Web 40 (02-12) | G Web 80 (02-06)

  costs (month, channel, region: acquisition, service):
    Feb Web Iberia 200, 40 | Mar Web Iberia 300, 60 | Mar Web Nordics 60, 20 | Mar Telephone Iberia 50, 90
  Telephone wins no new customer in March: its CAC is not defined.
"""
import math

import pytest
from streamlit.testing.v1 import AppTest

from conftest import Runner, build_warehouse, customer, d, open_page, order
from crm.formatting import format_value

CUSTOMERS = [
    customer("A", "2024-03-05"),
    customer("B", "2024-03-10", segment="Multinational"),
    customer("C", "2023-06-01", "2024-03-20", channel="Telephone"),
    customer("D", "2024-03-15", region="Nordics"),
    customer("E", "2024-02-10", segment="Multinational"),
    customer("F", "2023-01-01", "2024-03-15"),
    customer("G", "2023-01-01", segment="Multinational", channel="Telephone"),
]
CONTACTS = [("A", "Web", "2024-03-06"), ("A", "Telephone", "2024-03-08"), ("A", "Web", "2024-03-12"),
            ("B", "Web", "2024-03-11"), ("C", "Telephone", "2024-03-02"), ("C", "Telephone", "2024-03-03"),
            ("C", "Web", "2024-03-04"), ("D", "Web", "2024-03-16"),
            ("C", "Telephone", "2024-02-15"), ("E", "Telephone", "2024-02-20"), ("G", "Web", "2024-02-05")]
INTERACTIONS = [{"interaction_id": f"i{n:02d}", "customer_id": c, "channel": ch, "interacted_on": d(day), "kind": "service"}
                for n, (c, ch, day) in enumerate(CONTACTS)]
ORDERS = [order("A", "2024-03-06", 100), order("B", "2024-03-11", 300), order("C", "2024-03-02", 50, "Telephone"),
          order("E", "2024-03-25", 200), order("E", "2024-02-12", 40), order("G", "2024-02-06", 80)]
COSTS = [{"month": d(m), "channel": ch, "region": r, "acquisition_cost": a, "service_cost": s}
         for m, ch, r, a, s in [("2024-02-01", "Web", "Iberia", 200, 40), ("2024-03-01", "Web", "Iberia", 300, 60),
                                ("2024-03-01", "Web", "Nordics", 60, 20),
                                ("2024-03-01", "Telephone", "Iberia", 50, 90)]]
MARCH = ("2024-03-01", "2024-03-31")


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    return Runner(build_warehouse(tmp_path_factory.mktemp("channels"), {
        "customers": CUSTOMERS, "interactions": INTERACTIONS, "orders": ORDERS, "channel_costs": COSTS}))


def rows(frame, *columns):
    """The columns as tuples: missing values as None, floats rounded (sums of floats are not exact)."""
    return [tuple(None if missing(v) else round(v, 6) if isinstance(v, float) else v for v in row)
            for row in frame[list(columns)].itertuples(index=False)]


def missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


# --- channel_economics (the public contract) --------------------------------------------------

CONTRACT = ["channel", "cost_amount", "acquisition_cost_amount", "service_cost_amount", "interactions_count",
            "cost_per_interaction_amount", "new_count", "cac_amount", "revenue_amount"]


def test_channel_economics_in_march(run):
    frame = run("channel_economics", *MARCH)
    assert list(frame.columns[:len(CONTRACT)]) == CONTRACT
    web, telephone = frame.to_dict("records")
    # Web: acquisition 300 + 60, service 60 + 20; interactions A2 B1 C1 D1 = 5; new A B D; orders A B E.
    assert web["channel"] == "Web"
    assert (web["cost_amount"], web["acquisition_cost_amount"], web["service_cost_amount"]) == pytest.approx((440, 360, 80))
    assert (web["interactions_count"], web["new_count"]) == (5, 3)
    assert web["cost_per_interaction_amount"] == pytest.approx(80 / 5)
    assert web["cac_amount"] == pytest.approx(360 / 3)
    assert web["revenue_amount"] == pytest.approx(100 + 300 + 200)
    # Telephone: interactions A1 C2; no new customer -> CAC not defined (NULL, not an error, not infinity).
    assert telephone["channel"] == "Telephone"
    assert (telephone["cost_amount"], telephone["interactions_count"], telephone["new_count"]) == (140, 3, 0)
    assert telephone["cost_per_interaction_amount"] == pytest.approx(90 / 3)
    assert missing(telephone["cac_amount"])
    assert format_value("cac_amount", telephone["cac_amount"]) == "–"
    assert telephone["revenue_amount"] == pytest.approx(50)
    # Shares of the whole: cost 440 / 580, interactions 5 / 8, new 3 / 3, revenue 600 / 650.
    assert [web[c] for c in ("cost_share_pct", "interactions_share_pct", "new_share_pct", "revenue_share_pct")] \
        == pytest.approx([440 / 580, 5 / 8, 1.0, 600 / 650])


def test_channel_economics_filters(run):
    iberia = run("channel_economics", *MARCH, regions=["Iberia"]).set_index("channel")
    # Without Nordics (D): Web acquisition 300, service 60, interactions 4, new A B.
    assert iberia.loc["Web", ["acquisition_cost_amount", "service_cost_amount", "interactions_count", "new_count"]
                      ].tolist() == [300, 60, 4, 2]
    assert (iberia.loc["Web", "cost_per_interaction_amount"], iberia.loc["Web", "cac_amount"]) == pytest.approx((15, 150))
    # Costs have no segment: the segment filter leaves the table as it is.
    everyone = run("channel_economics", *MARCH)
    assert run("channel_economics", *MARCH, segments=["Multinational"]).equals(everyone)
    telephone = run("channel_economics", *MARCH, channels=["Telephone"])
    assert telephone["channel"].tolist() == ["Telephone"] and telephone["cost_share_pct"].tolist() == [1.0]
    assert missing(telephone["new_share_pct"].iloc[0])  # 0 of 0 new customers: not defined either


def test_channel_economics_over_two_months(run):
    frame = run("channel_economics", "2024-02-01", "2024-03-31").set_index("channel")
    # Web adds February: acquisition 200, service 40, G's interaction, E's acquisition, E 40 + G 80 of orders.
    assert frame.loc["Web", ["acquisition_cost_amount", "service_cost_amount", "interactions_count", "new_count",
                             "revenue_amount"]].tolist() == pytest.approx([560, 120, 6, 4, 720])
    assert (frame.loc["Web", "cost_per_interaction_amount"], frame.loc["Web", "cac_amount"]) == pytest.approx((20, 140))
    # Telephone adds C's and E's February interactions but no cost: 90 / 5.
    assert frame.loc["Telephone", "cost_per_interaction_amount"] == pytest.approx(18)


def test_a_period_that_cuts_a_month_takes_the_days_it_covers(run):
    web = run("channel_economics", "2024-03-10", "2024-03-31").set_index("channel").loc["Web"]
    # 22 of March's 31 days: acquisition 360 x 22/31; new customers B (03-10) and D (03-15).
    assert web["acquisition_cost_amount"] == pytest.approx(360 * 22 / 31)
    assert web["new_count"] == 2
    assert web["cac_amount"] == pytest.approx(360 * 22 / 31 / 2)
    # Interactions A 03-12, B 03-11, D 03-16 against 22/31 of the service cost 80.
    assert web["cost_per_interaction_amount"] == pytest.approx(80 * 22 / 31 / 3)


def test_channel_totals(run):
    row = run("channel_totals", *MARCH).iloc[0]
    assert (row.cost_amount, row.acquisition_cost_amount, row.service_cost_amount) == pytest.approx((580, 410, 170))
    assert (row.interactions_count, row.new_count) == (8, 3)
    assert (row.cost_per_interaction_amount, row.cac_amount) == pytest.approx((170 / 8, 410 / 3))
    telephone = run("channel_totals", *MARCH, channels=["Telephone"]).iloc[0]
    assert missing(telephone.cac_amount)
    household = run("channel_totals", *MARCH, segments=["Household"]).iloc[0]
    assert household.cost_amount == pytest.approx(580)  # costs ignore the segment filter


def test_channel_monthly(run):
    frame = run("channel_monthly", "2024-02-01", "2024-03-31")
    assert rows(frame, "channel", "acquisition_cost_amount", "service_cost_amount", "interactions_count",
                "new_count") == [
        ("Telephone", 0, 0, 2, 0),   # February: C's and E's interactions, no cost recorded
        ("Web", 200, 40, 1, 1),      # G's interaction, E acquired
        ("Telephone", 50, 90, 3, 0),
        ("Web", 360, 80, 5, 3),
    ]
    assert [str(m.date()) for m in frame["month"]] == ["2024-02-01"] * 2 + ["2024-03-01"] * 2
    assert rows(frame, "cost_per_interaction_amount", "cac_amount") == [(0, None), (40, 200), (30, None), (16, 120)]


# --- channel x segment ---------------------------------------------------------------------------

def test_channel_segment_matrix(run):
    frame = run("channel_segment_matrix", *MARCH)
    assert rows(frame, "channel", "segment", "interactions_count", "customers_count", "revenue_amount") == [
        ("Telephone", "Household", 3, 2, 50),     # A1 C2; A and C; C's order
        ("Web", "Household", 4, 3, 100),          # A2 C1 D1; A C D; A's order
        ("Web", "Multinational", 1, 2, 500),      # B; B and E (E only ordered); B 300 + E 200
    ]
    only = run("channel_segment_matrix", *MARCH, segments=["Multinational"])
    assert rows(only, "channel", "segment") == [("Web", "Multinational")]


def test_preferred_channel_of_each_segment(run):
    march = run("segment_preferred_channel", *MARCH)
    assert rows(march, "segment", "channel", "interactions_count", "segment_interactions_count") == [
        ("Household", "Web", 4, 7), ("Multinational", "Web", 1, 1)]
    assert march["share_pct"].tolist() == pytest.approx([4 / 7, 1.0])
    # February too: Household has 4 Web and 4 Telephone (C's in Feb): a tie goes to the first name.
    both = run("segment_preferred_channel", "2024-02-01", "2024-03-31")
    assert rows(both, "segment", "channel", "interactions_count") == [("Household", "Telephone", 4),
                                                                     ("Multinational", "Web", 2)]
    telephone = run("segment_preferred_channel", *MARCH, channels=["Telephone"])
    assert rows(telephone, "segment", "channel", "share_pct") == [("Household", "Telephone", 1.0)]


# --- channel conflict ----------------------------------------------------------------------------

def test_multichannel_customers_per_channel(run):
    frame = run("channel_conflict", *MARCH)
    # Telephone served A and C, both also through Web; Web served A B C D E, of whom A and C used two channels.
    # The last row: A B C D E served through any channel, counted once.
    assert rows(frame, "channel", "customers_count", "multichannel_count") == [
        ("Telephone", 2, 2), ("Web", 5, 2), (None, 5, 2)]
    assert frame["multichannel_pct"].tolist() == pytest.approx([1.0, 0.4, 0.4])
    # Filtering on a channel keeps its row; the other channels still count towards "two or more".
    assert rows(run("channel_conflict", *MARCH, channels=["Telephone"]), "channel", "multichannel_count") \
        == [("Telephone", 2), (None, 2)]
    household = run("channel_conflict", *MARCH, segments=["Household"])  # A C D
    assert rows(household, "channel", "customers_count", "multichannel_count")[-1] == (None, 3, 2)


def test_moves_between_channels(run):
    frame = run("channel_transitions", *MARCH)
    # A: Web -> Telephone -> Web; C: Telephone -> Telephone -> Web; B and D had one interaction.
    assert rows(frame, "channel", "next_channel", "transitions_count") == [
        ("Telephone", "Telephone", 1), ("Telephone", "Web", 2), ("Web", "Telephone", 1)]
    assert frame["share_pct"].tolist() == pytest.approx([1 / 3, 2 / 3, 1.0])
    web = run("channel_transitions", *MARCH, channels=["Web"])  # pairs touching Web; shares unchanged
    assert rows(web, "channel", "next_channel", "share_pct") == [("Telephone", "Web", pytest.approx(2 / 3)),
                                                                  ("Web", "Telephone", 1.0)]


def test_churn_of_single_and_multi_channel_customers(run):
    # Active on 03-01: C, E, F, G. Channels used in the 31 days before (01-30 .. 02-29):
    # C Telephone (single; lost 03-20), E Web + Telephone (multi), F none (no contact; lost 03-15),
    # G Web only, interaction and order (single). C's two channels in March do not count.
    frame = run("multichannel_churn", *MARCH)
    assert rows(frame, "segment", "contact_group", "active_start_count", "lost_count") == [
        (None, "Single channel", 2, 1), (None, "Multi-channel", 1, 0), (None, "No contact", 1, 1),
        ("Household", "Single channel", 1, 1), ("Household", "No contact", 1, 1),
        ("Multinational", "Single channel", 1, 0), ("Multinational", "Multi-channel", 1, 0),
    ]
    assert frame["churn_rate_pct"].tolist() == pytest.approx([0.5, 0.0, 1.0, 1.0, 1.0, 0.0, 0.0])


# --- cost to serve and profitability ---------------------------------------------------------------

# Per interaction: Web Iberia 60 / 4 (A2 B1 C1) = 15, Web Nordics 20 / 1 = 20, Telephone Iberia 90 / 3 = 30.
# CAC: Web Iberia 300 / 2 (A B) = 150, Web Nordics 60 / 1 (D) = 60; Telephone's 50 has nobody to go to.
# Profit = revenue x 0.3 - service - acquisition:
#   A 30 - (2x15 + 30) - 150 = -180   B 90 - 15 - 150 = -75   C 15 - (2x30 + 15) = -60
#   D 0 - 20 - 60 = -80               E 60 (acquired in February, no interaction)
def test_profitability_per_segment_and_channel(run):
    frame = run("customer_profitability", *MARCH)
    assert rows(frame, "segment", "channel", "customers_count", "revenue_amount", "service_cost_amount",
                "acquisition_cost_amount", "profit_amount", "unprofitable_count") == [
        ("Household", None, 3, 150, 155, 210, -320, 3),        # A C D
        ("Multinational", None, 2, 500, 15, 150, -15, 1),      # B E
        (None, "Telephone", 1, 50, 75, 0, -60, 1),             # C
        (None, "Web", 4, 600, 95, 360, -275, 3),               # A B D E
    ]
    assert frame["gross_margin_amount"].tolist() == pytest.approx([45, 150, 15, 180])
    assert frame["profit_per_customer_amount"].tolist() == pytest.approx([-320 / 3, -7.5, -60, -275 / 4])
    # All of the service cost (60 + 20 + 90) is allocated.
    assert frame.loc[frame["segment"].notna(), "service_cost_amount"].sum() == pytest.approx(170)


def test_profitability_follows_filters_and_margin(run):
    # The allocation base stays every segment's interactions: B still bears 15, not 60.
    multinational = run("customer_profitability", *MARCH, segments=["Multinational"], margin_pct=0.5)
    assert rows(multinational, "segment", "channel", "service_cost_amount", "profit_amount") == [
        ("Multinational", None, 15, 500 * 0.5 - 15 - 150), (None, "Web", 15, 500 * 0.5 - 15 - 150)]
    nordics = run("customer_profitability", *MARCH, regions=["Nordics"])
    assert rows(nordics, "segment", "customers_count", "profit_amount") == [("Household", 1, -80), (None, 1, -80)]


def test_most_profitable_customers(run):
    frame = run("top_profit_customers", *MARCH)
    assert rows(frame, "customer_id", "profit_amount") == [("E", 60), ("C", -60), ("B", -75), ("D", -80), ("A", -180)]


# --- CAC, payback and lifetime value ----------------------------------------------------------------
# Web (Iberia): W1..W3 acquired 2023-12-01, ordering 100 on the 15th of every month Jan-Jun 2024;
# W4 acquired then too, ordering 100 in Jan and Feb, lost 03-15; N1 acquired 06-10, no orders.
# Telephone: T1 acquired 2023-12-01, ordering 50 every month, never lost. June costs: Web acquisition
# 240, Telephone 100. Period: June 2024; the six months are Jan..Jun.
#   Web per month (active at start, at end, lost, revenue):
#     Jan 4 4 0 400 | Feb 4 4 0 400 | Mar 4 3 1 300 | Apr 3 3 0 300 | May 3 3 0 300 | Jun 3 4 0 300
#   ARPA = revenue / average active: 100, 100, 300/3.5, 100, 100, 300/3.5; churn 1/4 in March only.
WEB_ARPA = (4 * 100 + 2 * 300 / 3.5) / 6
WEB_CHURN = 0.25 / 6


@pytest.fixture(scope="module")
def unit(tmp_path_factory):
    months = [f"2024-{m:02d}-15" for m in range(1, 7)]
    customers = [customer(f"W{i}", "2023-12-01") for i in (1, 2, 3)] + [
        customer("W4", "2023-12-01", "2024-03-15"), customer("N1", "2024-06-10"),
        customer("T1", "2023-12-01", channel="Telephone")]
    orders = ([order(f"W{i}", day) for i in (1, 2, 3) for day in months] + [order("W4", day) for day in months[:2]]
              + [order("T1", day, 50, "Telephone") for day in months])
    costs = [{"month": d("2024-06-01"), "channel": ch, "region": "Iberia", "acquisition_cost": a, "service_cost": 0}
             for ch, a in [("Web", 240), ("Telephone", 100)]]
    interactions = [{"interaction_id": "x", "customer_id": "W1", "channel": "Web", "interacted_on": d("2024-06-30")}]
    return Runner(build_warehouse(tmp_path_factory.mktemp("unit"), {
        "customers": customers, "orders": orders, "channel_costs": costs, "interactions": interactions}))


def test_cac_payback_and_lifetime_value(unit):
    web, telephone = unit("channel_ltv", "2024-06-01", "2024-06-30").to_dict("records")
    assert (web["channel"], web["new_count"]) == ("Web", 1)
    assert web["cac_amount"] == pytest.approx(240)
    assert (web["monthly_arpa_amount"], web["monthly_churn_pct"]) == pytest.approx((WEB_ARPA, WEB_CHURN))
    assert web["lifetime_value_amount"] == pytest.approx(WEB_ARPA * 0.3 / WEB_CHURN)        # 685.71
    assert web["payback_months"] == pytest.approx(round(240 / (WEB_ARPA * 0.3), 1))        # 8.4
    assert web["lifetime_value_to_cac"] == pytest.approx(round(WEB_ARPA * 0.3 / WEB_CHURN / 240, 2))  # 2.86
    # Telephone: no new customer and nobody lost: CAC, payback, lifetime value and the ratio are not defined.
    assert (telephone["channel"], telephone["new_count"]) == ("Telephone", 0)
    assert telephone["acquisition_cost_amount"] == pytest.approx(100)
    assert telephone["monthly_arpa_amount"] == pytest.approx(50)
    assert all(missing(telephone[c]) for c in ("cac_amount", "lifetime_value_amount", "payback_months",
                                               "lifetime_value_to_cac"))


def test_lifetime_value_uses_the_margin_setting(unit):
    web = unit("channel_ltv", "2024-06-01", "2024-06-30", margin_pct=0.6).iloc[0]
    assert web["lifetime_value_amount"] == pytest.approx(WEB_ARPA * 0.6 / WEB_CHURN)


# --- the page ------------------------------------------------------------------------------------------

PAGE = "pages/3_Channels.py"


def open_channels(query_params: dict | None = None) -> AppTest:
    return open_page(PAGE, query_params)


SECTIONS = {"Costs": 4, "Acquisition and lifetime value": 4, "Channels and segments": 2, "Channel conflict": 3,
            "Profitability": 2}  # each tab and the charts it draws


def assert_channels_page(at: AppTest, section: str = "Costs") -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert [m.label for m in at.metric] == ["Channel cost", "Cost per interaction", "New customers", "CAC"]
    assert [t.label for t in at.tabs] == list(SECTIONS)
    charts = at.get("vega_lite_chart")
    assert len(charts) == SECTIONS[section]  # only the open tab is drawn
    # Every chart is clickable: it carries the drill selection that sets the channel or segment filter.
    assert all(list(c.proto.selection_mode) == ["drill"] for c in charts)


@pytest.mark.parametrize("section", SECTIONS)
def test_each_tab_opens_from_the_url(app_env, section):
    at = open_channels({"tab": section} if section != "Costs" else {})
    assert_channels_page(at, section)


def test_page_with_default_filters(app_env):
    at = open_channels()
    assert_channels_page(at)
    assert "Channel economics" in [h.value for h in at.subheader]


def test_matrix_measure_can_be_switched(app_env):
    at = open_channels({"tab": "Channels and segments"})
    matrix = next(b for b in at.get("button_group") if b.key == "channels_matrix_measure")
    assert matrix.value == "interactions_count"
    matrix.set_value("revenue_amount").run()
    assert not at.exception
    assert any('"field": "revenue_amount"' in c.proto.spec for c in at.get("vega_lite_chart"))


def test_conflict_tab_states_the_multichannel_share(app_env):
    at = open_channels({"tab": "Channel conflict"})
    assert any("used two or more channels" in m.value for m in at.markdown)


@pytest.mark.parametrize("channel", ["E-mail", "Fax", "In person", "Mail", "Partner", "Telephone", "Web"])
def test_page_for_each_channel(app_env, channel):
    at = open_channels({"channel": channel})
    assert_channels_page(at)
    assert at.sidebar.multiselect[2].value == [channel]
    economics = at.dataframe[-1].value
    assert economics["channel"].tolist() == [channel]


def test_a_channel_without_new_customers_shows_cac_not_defined(app_env, demo_warehouse):
    # One day of the small demo: most channels win nobody that day (same seed, same data).
    from crm import warehouse
    runner = Runner(warehouse.current_path(demo_warehouse))
    as_of = str(runner.sql("SELECT as_of FROM warehouse_info").iloc[0, 0].date())
    values = runner("channel_ltv", as_of, as_of)
    undefined = values.loc[values["cac_amount"].isna(), "channel"].tolist()
    assert undefined, "the demo should have a channel without new customers on its last day"
    at = open_channels({"period": "custom", "start": as_of, "end": as_of, "tab": "Acquisition and lifetime value"})
    assert_channels_page(at, "Acquisition and lifetime value")
    note = next(c.value for c in at.caption if "not defined: no new customers" in c.value and "CAC" in c.value)
    assert all(channel in note for channel in undefined)
