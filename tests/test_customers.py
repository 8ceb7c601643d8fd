"""The customer list and the customer profile (queries/customers/) on a hand-made dataset whose
answers are worked out here by hand, and the Customers page under AppTest.

Customers (region Iberia, segment Household, channel Web unless said; period 2024-01-01 to
2024-06-30; lifetime = orders up to the period's end):
  H  acquired 2023-06-01, city Logroño, name José Núñez; order 02-01 1000          lifetime 1000
  K1 child of H, acquired 2024-03-01, city Logroño, name Ana Núñez; order 03-10 10 lifetime 10
  K2 child of H, acquired 2023-01-01, lost 2024-02-15, city Madrid; order 2023-05-01 20  -> 20
  A  acquired 2023-01-01, channel Telephone; orders 01-15 300 and 05-01 200       lifetime 500
  B  Small national, acquired 2024-04-01; order 04-10 50                          lifetime 50
  C  acquired 2022-01-01, lost 2023-06-01; order 2022-06-01 400 (not in the list)  lifetime 400
  D  region Nordics, acquired 2023-01-01; order 01-05 5                           lifetime 5
  M  Multinational parent, acquired 2023-01-01, no orders                         lifetime 0
  N  child of M, Small national, region DACH, acquired 2023-02-01; order 03-01 2000  lifetime 2000
  R  acquired 2023-01-01, lost 2023-03-01, won back by an order 2024-02-10 100    lifetime 100
  E  acquired 2024-08-01 (after the period); order 08-05 9999 (makes the as-of date 2024-08-05)

Linked value (the group of parent + children): H, K1, K2 = 1030; M, N = 2000; the others their own.
Flag thresholds over the 10 customers acquired by 2024-06-30 (all but E):
  own lifetime sorted 0 5 10 20 50 100 400 500 1000 2000 -> median = (50 + 100) / 2 = 75
  linked sorted 5 50 100 400 500 1030 1030 1030 2000 2000 -> 80th pct = 1030 + 0.2 x 970 = 1224
  flagged (own <= 75 and linked >= 1224): only M. K1 and K2 are low, but their group is not high.
Listed (active in the period or acquired in it): H K1 K2 A B D M N R (C lost before, E after).
"""
import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from conftest import ROOT, Runner, build_warehouse, customer, d, open_page, order

START, END = "2024-01-01", "2024-06-30"
CUSTOMERS = [
    customer("H", "2023-06-01", name="José Núñez", email="jose@example.com", city="Logroño", consent=True),
    customer("K1", "2024-03-01", name="Ana Núñez", email="ana@example.com", city="Logroño", parent_customer_id="H",
             consent=False),
    customer("K2", "2023-01-01", "2024-02-15", city="Madrid", parent_customer_id="H", consent=True),
    customer("A", "2023-01-01", channel="Telephone", consent=True),
    customer("B", "2024-04-01", segment="Small national", consent=True),
    customer("C", "2022-01-01", "2023-06-01", consent=True),
    customer("D", "2023-01-01", region="Nordics", consent=True),
    customer("M", "2023-01-01", segment="Multinational", name="Grupo Martínez", consent=True),
    customer("N", "2023-02-01", segment="Small national", region="DACH", parent_customer_id="M", consent=True),
    customer("R", "2023-01-01", "2023-03-01", consent=True),
    customer("E", "2024-08-01", consent=True),
]
ORDERS = [order("H", "2024-02-01", 1000), order("K1", "2024-03-10", 10), order("K2", "2023-05-01", 20),
          order("A", "2024-01-15", 300), order("A", "2024-05-01", 200), order("B", "2024-04-10", 50),
          order("C", "2022-06-01", 400), order("D", "2024-01-05", 5), order("N", "2024-03-01", 2000),
          order("R", "2024-02-10", 100), order("E", "2024-08-05", 9999)]
INTERACTIONS = [{"interaction_id": f"i{n}", "customer_id": "H", "channel": channel, "interacted_on": d(day),
                 "kind": kind}
                for n, (channel, day, kind) in enumerate([("Web", "2024-01-02", "sales"), ("Web", "2024-03-02", "service"),
                                                          ("Telephone", "2024-04-02", "service")])] + [
    {"interaction_id": "i9", "customer_id": "D", "channel": "Mail", "interacted_on": d("2024-02-01"), "kind": "sales"}]
COMPLAINTS = [{"complaint_id": "k1", "customer_id": "H", "channel": "Telephone", "category": "Billing",
               "received_at": dt.datetime(2024, 2, 1, 9), "first_response_at": dt.datetime(2024, 2, 1, 15),
               "resolved_at": dt.datetime(2024, 2, 3, 9), "rewarded": False},
              {"complaint_id": "k2", "customer_id": "D", "channel": "Web", "category": "Delivery",
               "received_at": dt.datetime(2024, 2, 1, 9), "first_response_at": None, "resolved_at": None,
               "rewarded": False}]
SURVEYS = [{"survey_id": "s1", "customer_id": "H", "channel": "Web", "answered_on": d("2024-03-01"),
            "nps_score": 9, "csat_score": 5},
           {"survey_id": "s2", "customer_id": "H", "channel": "Web", "answered_on": d("2024-05-01"),
            "nps_score": 4, "csat_score": 2},
           {"survey_id": "s3", "customer_id": "D", "channel": "Web", "answered_on": d("2024-03-01"),
            "nps_score": 7, "csat_score": 4}]
TABLES = {"customers": CUSTOMERS, "orders": ORDERS, "interactions": INTERACTIONS, "complaints": COMPLAINTS,
          "surveys": SURVEYS}


@pytest.fixture(scope="module")
def shop_dir(tmp_path_factory) -> Path:
    data_dir = tmp_path_factory.mktemp("customers")
    build_warehouse(data_dir, TABLES)
    return data_dir


@pytest.fixture(scope="module")
def run(shop_dir):
    from crm import warehouse
    return Runner(warehouse.current_path(shop_dir))


def listed(run, **params) -> list[str]:
    return run("customer_list", START, END, **params)["customer_id"].tolist()


def by_id(frame: pd.DataFrame) -> dict:
    return {row["customer_id"]: row for row in frame.to_dict("records")}


# --- the list ---------------------------------------------------------------------------------

def test_the_list_holds_the_customers_active_or_acquired_in_the_period(run):
    assert sorted(listed(run, sort_by="id")) == ["A", "B", "D", "H", "K1", "K2", "M", "N", "R"]
    assert listed(run, sort_by="id", regions=["Nordics"]) == ["D"]
    assert listed(run, sort_by="id", segments=["Small national"]) == ["B", "N"]
    assert listed(run, sort_by="id", channels=["Telephone"]) == ["A"]  # the acquisition channel


def test_list_columns_status_revenue_and_linked_value(run):
    rows = by_id(run("customer_list", START, END))
    status = {k: r["status"] for k, r in rows.items()}
    assert status == {"H": "Active", "K1": "New", "K2": "Lost", "A": "Active", "B": "New", "D": "Active",
                      "M": "Active", "N": "Active", "R": "Won back"}
    assert rows["K2"]["lost_on"] == pd.Timestamp("2024-02-15")
    assert pd.isna(rows["H"]["lost_on"])
    assert (rows["A"]["revenue_amount"], rows["A"]["orders_count"], rows["A"]["lifetime_revenue_amount"]) == (500, 2, 500)
    assert (rows["K2"]["revenue_amount"], rows["K2"]["orders_count"], rows["K2"]["lifetime_revenue_amount"]) == (0, 0, 20)
    linked = {k: r["linked_value_amount"] for k, r in rows.items()}
    assert linked == {"H": 1030, "K1": 1030, "K2": 1030, "A": 500, "B": 50, "D": 5, "M": 2000, "N": 2000, "R": 100}
    assert [k for k, r in rows.items() if r["low_value_high_link"]] == ["M"]
    # Lifetime revenue stops at the end of the period: A's order of 1 May is left out before it.
    april = by_id(run("customer_list", START, "2024-04-30"))
    assert (april["A"]["revenue_amount"], april["A"]["lifetime_revenue_amount"]) == (300, 300)
    assert april["A"]["linked_value_amount"] == 300
    # So does linked value: before K1's order of 10 March, H's group (H 1000, K1, K2 20) holds 1020.
    february = by_id(run("customer_list", START, "2024-02-29"))
    assert (february["H"]["lifetime_revenue_amount"], february["H"]["linked_value_amount"]) == (1000, 1020)
    assert {r["total_count"] for r in rows.values()} == {9}
    assert rows["K1"]["consent"] is False
    assert not {"name", "email"} & set(rows["H"])  # the warehouse holds no personal data


def test_the_flag_does_not_depend_on_the_filters(run):
    # Thresholds are over all customers, so M stays flagged when the list shows only multinationals.
    rows = run("customer_list", START, END, segments=["Multinational"])
    assert rows[["customer_id", "low_value_high_link"]].values.tolist() == [["M", True]]


@pytest.mark.parametrize("sort_by, expected", [
    ("revenue", ["N", "H", "A", "R", "B", "K1", "D", "K2", "M"]),   # ties (0) by id
    ("lifetime", ["N", "H", "A", "R", "B", "K2", "K1", "D", "M"]),
    ("linked", ["M", "N", "H", "K1", "K2", "A", "R", "B", "D"]),
    ("orders", ["A", "B", "D", "H", "K1", "N", "R", "K2", "M"]),
    ("acquired", ["B", "K1", "H", "N", "A", "D", "K2", "M", "R"]),
    ("id", ["A", "B", "D", "H", "K1", "K2", "M", "N", "R"]),
    ("anything else", ["A", "B", "D", "H", "K1", "K2", "M", "N", "R"]),  # unknown: by id, never an error
])
def test_sorting(run, sort_by, expected):
    assert listed(run, sort_by=sort_by) == expected


def test_paging(run):
    pages = [listed(run, page=n, page_size=4) for n in (1, 2, 3, 4)]
    assert pages == [["N", "H", "A", "R"], ["B", "K1", "D", "K2"], ["M"], []]
    assert run("customer_list", START, END, page=3, page_size=4)["total_count"].tolist() == [9]
    assert listed(run, page=0, page_size=4) == pages[0]  # a page below 1 is the first


@pytest.mark.parametrize("search, expected", [
    ("*", ["A", "B", "D", "H", "K1", "K2", "M", "N", "R"]),
    ("logrono", ["H", "K1"]),          # city, without the accent, any case
    ("LOGROÑO", ["H", "K1"]),
    ("k", ["K1", "K2"]),               # customer id
    ("núñez", []),                     # the SQL cannot see names at all
    ("%", []),                         # no wildcards: a literal text
])
def test_search(run, search, expected):
    assert listed(run, sort_by="id", search=search) == expected


@pytest.mark.parametrize("search, expected", [
    ("nunez", ["H", "K1"]),            # José Núñez, Ana Núñez: without accents, any case
    ("ana@example", ["K1"]),           # e-mail
    ("martínez", ["M"]),
    ("%", []),
])
def test_search_by_name_goes_through_the_identities_file(shop_dir, run, search, expected):
    from crm import warehouse
    found = warehouse.find_identities(warehouse.current_path(shop_dir), search)
    assert found == expected
    # the list query takes the ids found (one per line) and lists them with its own matches
    assert listed(run, sort_by="id", search=search, found_ids="\n".join(found) or "*") == expected


def test_search_keeps_the_total_and_paging_within_the_matches(run):
    rows = run("customer_list", START, END, search="logroño", page_size=1, page=2, sort_by="id")
    assert rows[["customer_id", "total_count"]].values.tolist() == [["K1", 2]]


# --- the profile --------------------------------------------------------------------------------

def test_profile_header(run):
    h = run("customer_profile", START, END, customer="H").iloc[0]
    assert (h["status"], h["spells_count"], h["reactivations_count"]) == ("Active", 1, 0)
    assert (h["lifetime_revenue_amount"], h["orders_count"]) == (1000, 1)
    assert h["first_order_on"] == h["last_order_on"] == pd.Timestamp("2024-02-01")
    assert h["active_days_count"] == 366 + 30  # 2023-06-01 to 2024-07-01 (2024 is a leap year)
    r = run("customer_profile", START, END, customer="R").iloc[0]
    assert (r["status"], r["spells_count"], r["reactivations_count"]) == ("Active", 2, 1)
    assert r["lost_on"] == pd.Timestamp("2023-03-01") and r["loss_reason"] == "Price"
    # 2023-01-01 to 03-01 (59 days) and 2024-02-10 to 07-01 (20 + 31 + 30 + 31 + 30 = 142 days)
    assert r["active_days_count"] == 59 + 142


def test_profile_spells_orders_interactions_complaints_surveys(run):
    spells = run("customer_spell_timeline", START, END, customer="R")
    assert spells[["spell_no", "is_reactivation"]].values.tolist() == [[1, False], [2, True]]
    assert spells["end_on"].iloc[0] == pd.Timestamp("2023-03-01") and pd.isna(spells["end_on"].iloc[1])
    assert spells["spell_days"].tolist() == [59, (d("2024-08-06") - d("2024-02-10")).days]  # open: to the as-of date
    orders = run("customer_orders_monthly", START, END, customer="R")
    assert len(orders) == 20  # Jan 2023 to Aug 2024 (the as-of month)
    assert orders[orders["orders_count"] > 0][["orders_count", "revenue_amount"]].values.tolist() == [[1, 100]]
    assert orders.loc[orders["orders_count"] > 0, "month"].tolist() == [pd.Timestamp("2024-02-01")]
    interactions = run("customer_interactions", START, END, customer="H")
    assert interactions[["channel", "interactions_count", "sales_count", "service_count"]].values.tolist() == [
        ["Web", 2, 1, 1], ["Telephone", 1, 0, 1]]
    complaints = run("customer_complaints", START, END, customer="H")
    assert complaints[["category", "first_response_hours", "resolution_days"]].values.tolist() == [["Billing", 6, 2]]
    surveys = run("customer_surveys", START, END, customer="H")
    assert surveys[["survey_id", "nps_group"]].values.tolist() == [["s2", "Detractor"], ["s1", "Promoter"]]


def test_linked_customers(run):
    k1 = run("customer_links", START, END, customer="K1")
    assert k1[["customer_id", "relation", "linked_value_amount", "low_value_high_link"]].values.tolist() == [
        ["K1", "This customer", 1030, False], ["H", "Parent", 1030, False], ["K2", "Sibling", 1030, False]]
    m = run("customer_links", START, END, customer="M")
    assert m[["customer_id", "relation", "lifetime_revenue_amount", "low_value_high_link"]].values.tolist() == [
        ["M", "This customer", 0, True], ["N", "Child", 2000, False]]
    assert run("customer_links", START, END, customer="A")[["relation", "linked_value_amount"]].values.tolist() == [
        ["This customer", 500]]


def test_links_and_list_agree_on_value_and_flag(run):
    listed_rows = by_id(run("customer_list", START, END))
    for customer_id in listed_rows:
        mine = run("customer_links", START, END, customer=customer_id).iloc[0]
        assert (mine["linked_value_amount"], mine["low_value_high_link"]) == (
            listed_rows[customer_id]["linked_value_amount"], listed_rows[customer_id]["low_value_high_link"])


@pytest.mark.parametrize("query_id", ["customer_profile", "customer_spell_timeline", "customer_orders_monthly",
                                      "customer_interactions", "customer_complaints", "customer_surveys",
                                      "customer_links"])
def test_a_customer_outside_the_regions_returns_nothing(run, query_id):
    assert not run(query_id, START, END, customer="D").empty  # D is in Nordics: every query has rows for D
    assert run(query_id, START, END, customer="D", regions=["Iberia"]).empty


def test_linked_members_outside_the_regions_are_not_listed_but_count(run):
    # M's child N is in DACH: not listed for Iberia, but the group's value still holds N's revenue.
    rows = run("customer_links", START, END, customer="M", regions=["Iberia"])
    assert rows[["customer_id", "linked_value_amount", "low_value_high_link"]].values.tolist() == [["M", 2000, True]]
    assert run("customer_links", START, END, customer="nobody").empty


# --- the page -----------------------------------------------------------------------------------

PERIOD = {"period": "custom", "start": START, "end": END}


@pytest.fixture
def shop_env(shop_dir, monkeypatch):
    monkeypatch.setenv("CRM_DATA_DIR", str(shop_dir))
    monkeypatch.chdir(ROOT)


def open_customers(query_params: dict, view_as: str | None = None) -> AppTest:
    return open_page("pages/6_Customers.py", query_params, view_as=view_as)


def shown_ids(at: AppTest) -> list[str]:
    return at.dataframe[0].value["customer_id"].tolist()


def test_the_list_page_pages_searches_and_sorts(shop_env, monkeypatch):
    from crm import customers
    monkeypatch.setattr(customers, "PAGE_SIZE", 4)
    at = open_customers(PERIOD)
    assert not at.exception, [e.value for e in at.exception]
    assert shown_ids(at) == ["N", "H", "A", "R"]
    assert at.dataframe[0].value["low_value_high_link"].tolist() == ["", "", "", ""]  # the flag as a marker
    at.number_input(key=customers.PAGE_KEY).set_value(3).run()
    assert shown_ids(at) == ["M"]
    assert at.dataframe[0].value["low_value_high_link"].tolist() == [customers.FLAG]
    at.selectbox(key=customers.SORT_KEY).set_value("linked").run()  # a new order starts on page 1
    assert shown_ids(at) == ["M", "N", "H", "K1"]
    at.text_input(key=customers.SEARCH_KEY).input("logrono").run()
    assert shown_ids(at) == ["H", "K1"]
    assert any("of 2 " in c.value for c in at.caption)


def test_the_whole_list_download_leaves_out_customers_without_consent(shop_env, monkeypatch):
    from crm import customers
    monkeypatch.setattr(customers, "PAGE_SIZE", 4)
    at = open_customers(PERIOD)
    at.button(key="prepare_all").click().run()
    assert not at.exception, [e.value for e in at.exception]
    labels = [b.proto.label for b in at.get("download_button")]
    assert "Download 8 customers (CSV); 1 without consent left out" in labels  # all 9 but K1, not the page's 4


def test_the_list_page_shows_no_names_and_searches_no_names_for_an_analyst(shop_env):
    at = open_customers({**PERIOD, "region": "Iberia"}, view_as="analyst@example.com")
    assert not at.exception, [e.value for e in at.exception]
    assert not {"name", "email"} & set(at.dataframe[0].value.columns)
    at.text_input(key="customers_search").input("Núñez").run()
    assert any("No customer matches" in i.value for i in at.info)


def test_the_list_page_shows_and_searches_names_for_the_admin(shop_env):
    at = open_customers({**PERIOD, "region": "Iberia"})
    shown = at.dataframe[0].value.set_index("customer_id")
    assert (shown.loc["H", "name"], shown.loc["K1", "email"]) == ("José Núñez", "ana@example.com")
    assert list(at.dataframe[0].value.columns[:3]) == ["customer_id", "name", "email"]
    at.text_input(key="customers_search").input("nunez").run()
    assert shown_ids(at) == ["H", "K1"]


def test_the_profile_page(shop_env):
    at = open_customers({**PERIOD, "customer": "M"})
    assert not at.exception, [e.value for e in at.exception]
    assert at.subheader[0].value == "Grupo Martínez · M"
    labels = [m.label for m in at.metric]
    assert labels == ["Lifetime revenue", "Orders", "Linked value", "Active spells", "Days active"]
    assert at.metric[2].value == "€2.00k"
    assert any("linked value" in w.value for w in at.warning)  # M is flagged
    links = at.dataframe[0].value
    assert links["customer_id"].tolist() == ["M", "N"]


def test_a_profile_outside_the_selected_regions_is_an_empty_state(shop_env):
    at = open_customers({**PERIOD, "customer": "D", "region": "Iberia"})
    assert not at.exception, [e.value for e in at.exception]
    assert any("No customer D in the regions you can see" in i.value for i in at.info)
    assert not at.metric


def test_a_profile_outside_the_users_regions_is_an_empty_state(shop_env):
    # ana.garcia may see Iberia only; D is in Nordics, whatever the URL asks for.
    at = open_customers({**PERIOD, "customer": "D", "region": "Nordics"}, view_as="ana.garcia@example.com")
    assert not at.exception, [e.value for e in at.exception]
    assert any("No customer D in the regions you can see" in i.value for i in at.info)
    assert open_customers({**PERIOD, "customer": "D"}).metric  # the admin sees D
