"""Privacy by design: a role without the personal-data right cannot get a name or an e-mail on
screen, in chart data or in a CSV download, whatever a query file does (alias, SUMMARIZE, a chart
over customer ids); the admin sees them. Downloads leave out customers without consent and
neutralise spreadsheet formulas. Hand-made customers (region Iberia, period 2024):

  P1  Zoë Secretname,  zoe.secret@example.com,  consent yes, order 2024-03-01 300
  P2  =HYPERLINK("http://evil.example/x","click"), +cmd@example.com, consent yes, order 2024-03-02 200
  P3  Óscar Hidden,    oscar.hidden@example.com, consent no,  order 2024-03-03 100
"""
import shutil

import pandas as pd
import pytest
import streamlit as st

from conftest import ROOT, Runner, build_warehouse, customer, open_page, order
from crm import access, ui, warehouse

INJECTION = '=HYPERLINK("http://evil.example/x","click")'
CUSTOMERS = [
    customer("P1", "2023-01-01", name="Zoë Secretname", email="zoe.secret@example.com", consent=True),
    customer("P2", "2023-01-01", name=INJECTION, email="+cmd@example.com", consent=True),
    customer("P3", "2023-01-01", name="Óscar Hidden", email="oscar.hidden@example.com", consent=False),
]
ORDERS = [order("P1", "2024-03-01", 300), order("P2", "2024-03-02", 200), order("P3", "2024-03-03", 100)]
SECRETS = ["Secretname", "zoe.secret", "HYPERLINK", "cmd@example", "Hidden", "oscar.hidden"]
PERIOD = {"period": "custom", "start": "2024-01-01", "end": "2024-12-31"}
ROLES = access.load_roles(ROOT / ".streamlit" / "roles.toml")

# An analyst's own files that tried to get names out before: an alias, SUMMARIZE, and a chart whose
# tooltip and data carry every column of the result.
PROBES = {
    "alias_names": "-- title: Alias\nSELECT customer_id, name AS full_name, email AS contact FROM customers",
    "summarize_customers": "-- title: Summary\nSUMMARIZE customers",
    "everything_about_customers": "-- title: Everything\nSELECT * FROM customers",
    "revenue_chart": "-- title: Revenue per customer\n-- chart: bar x=customer_id y=revenue_amount\n"
                     "SELECT customer_id, sum(amount) AS revenue_amount FROM orders GROUP BY ALL ORDER BY ALL",
}


@pytest.fixture(scope="module")
def private_env(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("private")
    build_warehouse(data_dir, {"customers": CUSTOMERS, "orders": ORDERS})
    queries = tmp_path_factory.mktemp("queries") / "queries"
    shutil.copytree(ROOT / "queries", queries)
    (queries / "probes").mkdir()
    for name, sql in PROBES.items():
        (queries / "probes" / f"{name}.sql").write_text(sql)
    return data_dir, queries


@pytest.fixture
def env(private_env, monkeypatch):
    data_dir, queries = private_env
    monkeypatch.setenv("CRM_DATA_DIR", str(data_dir))
    monkeypatch.setenv("CRM_QUERIES_DIR", str(queries))
    monkeypatch.chdir(ROOT)
    return data_dir


@pytest.fixture
def downloads(monkeypatch):
    """The bytes of every CSV download the pages offer."""
    offered = []
    original = st.download_button

    def recording(label, data, *args, **kwargs):
        offered.append(data if isinstance(data, bytes) else str(data).encode())
        return original(label, data, *args, **kwargs)
    monkeypatch.setattr(st, "download_button", recording)
    return offered


def sent(at) -> bytes:
    """Everything the page (or one block of it) sent to the browser: every element's message, chart
    specs and data included."""
    found = []

    def walk(node):
        proto = getattr(node, "proto", None)
        if proto is not None and hasattr(proto, "SerializeToString"):
            found.append(proto.SerializeToString())
        for child in getattr(node, "children", {}).values():
            walk(child)
    walk(getattr(at, "_tree", at))
    return b"\n".join(found)


def leaked(blob: bytes) -> list[str]:
    return [s for s in SECRETS if s.encode() in blob]


def test_the_warehouse_holds_no_personal_data_in_any_table(private_env):
    path = warehouse.current_path(private_env[0])
    runner = Runner(path)
    columns = runner.sql("SELECT table_name, column_name FROM information_schema.columns "
                         "WHERE data_type = 'VARCHAR'").values.tolist()
    for table, column in columns:  # every text column of every table and view
        hits = runner.sql(f'SELECT count(*) AS n FROM "{table}" WHERE contains("{column}", \'Secretname\') '
                          f'OR contains("{column}", \'zoe.secret\')').n[0]
        assert hits == 0, (table, column)
    assert len(columns) > 20
    people = warehouse.read_identities(path, ["P1"])
    assert people[["name", "email"]].values.tolist() == [["Zoë Secretname", "zoe.secret@example.com"]]


@pytest.mark.parametrize("page, params", [
    ("pages/6_Customers.py", {}),
    ("pages/6_Customers.py", {"customer": "P1"}),
    ("pages/6_Segment.py", {"segment": "Household"}),
    ("pages/1_Acquisition_and_loss.py", {}),
    *[("pages/7_Query_library.py", {"q": q}) for q in [*PROBES, "slice_top_customers", "top_profit_customers",
                                                        "customer_list", "valuable_lost_customers"]],
])
def test_an_analyst_gets_no_name_or_email_on_screen_in_charts_or_downloads(env, downloads, page, params):
    at = open_page(page, {**PERIOD, **params}, view_as="analyst@example.com")
    assert not at.exception, [e.value for e in at.exception]
    assert leaked(sent(at)) == []
    assert all(leaked(data) == [] for data in downloads)
    if params.get("q") in ("revenue_chart", "customer_list", "slice_top_customers") or page.endswith("Customers.py"):
        assert b"P1" in sent(at)  # the customers are there, by id
    if params.get("q") == "revenue_chart":
        assert b"P1" in at.get("vega_lite_chart")[0].proto.SerializeToString()


def test_an_aliasing_file_fails_on_its_own_card(env):
    at = open_page("pages/7_Query_library.py", {**PERIOD, "q": "alias_names"}, view_as="analyst@example.com")
    assert any("name" in e.value for e in at.error)  # the column does not exist in the warehouse


def test_the_admin_sees_names_in_tables_chart_data_and_downloads(env, downloads):
    at = open_page("pages/7_Query_library.py", {**PERIOD, "q": "revenue_chart"})
    assert not at.exception, [e.value for e in at.exception]
    table = at.dataframe[0].value
    assert table[["customer_id", "name", "revenue_amount"]].values.tolist() == [
        ["P1", "Zoë Secretname", 300], ["P2", INJECTION, 200], ["P3", "Óscar Hidden", 100]]
    chart = at.get("vega_lite_chart")[0].proto.SerializeToString()
    assert b"Secretname" in chart and b"P1" in chart  # names in the chart data and tooltips
    csv = downloads[-1].decode()
    assert "Zoë Secretname" in csv and "Óscar Hidden" not in csv  # P3 gave no consent


def test_customers_without_consent_never_reach_a_download(env, downloads):
    at = open_page("pages/6_Customers.py", PERIOD, view_as="analyst@example.com")
    at.button(key="prepare_all").click().run()
    assert not at.exception, [e.value for e in at.exception]
    whole = downloads[-1].decode().splitlines()
    assert [line.split(",")[0] for line in whole[1:]] == ["P1", "P2"]  # by revenue, P3 left out
    at = open_page("pages/7_Query_library.py", {**PERIOD, "q": "top_profit_customers"}, view_as="analyst@example.com")
    ids = [line.split(",")[0] for line in downloads[-1].decode().splitlines()[1:]]
    assert sorted(ids) == ["P1", "P2"]  # no consent column there: looked up by customer id


def test_csv_downloads_neutralise_formulas_and_keep_numbers():
    frame = pd.DataFrame({"customer_id": ["C1", "C2", "C3", "C4", "C5", "C6"],
                          "name": [INJECTION, "+1 555", "-2+3", "@SUM(A1)", "\tx", "Ana"],
                          "note": ["\rcr", "ok", None, "a=b", "=", "-"],
                          "revenue_amount": [-5.5, 10.0, 0.0, 1.0, 2.0, 3.0],
                          "orders_count": [-1, 2, 3, 4, 5, 6]})
    rows = pd.read_csv(pd.io.common.StringIO(ui.csv_bytes(frame).decode()), keep_default_na=False)
    assert rows["name"].tolist() == ["'" + INJECTION, "'+1 555", "'-2+3", "'@SUM(A1)", "'\tx", "Ana"]
    assert rows["note"].tolist() == ["'\rcr", "ok", "", "a=b", "'=", "'-"]
    assert rows["revenue_amount"].tolist() == [-5.5, 10.0, 0.0, 1.0, 2.0, 3.0]  # numbers stay numbers
    assert rows["orders_count"].tolist() == [-1, 2, 3, 4, 5, 6]
    header = ui.csv_bytes(pd.DataFrame({"=1+1": [1], "ok": ["x"]})).decode().splitlines()[0]
    assert header == "'=1+1,ok"  # a column named by an analyst's alias is neutralised too


def test_the_admin_download_of_the_list_neutralises_a_formula_name(env, downloads):
    at = open_page("pages/6_Customers.py", PERIOD)
    at.button(key="prepare_all").click().run()
    whole = downloads[-1].decode()
    assert "'" + INJECTION.replace('"', '""') in whole and "'+cmd@example.com" in whole
    assert "\n" + INJECTION not in whole and "," + INJECTION not in whole
