"""A warehouse built by an earlier release (other marts) is upgraded, from its own tables, not broken."""
import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from crm import warehouse
from conftest import ROOT, Runner, build_warehouse, customer, order
from test_cli import crm

CUSTOMERS = [customer("A", "2024-01-10", name="Ana Muñoz", email="ana@example.com", consent=True),
             customer("B", "2024-02-01", lost_on="2024-03-15", region="Nordics", name="Björn Ek", consent=False)]
ORDERS = [order("A", "2024-01-20", 120.0), order("A", "2024-03-02", 80.0), order("B", "2024-02-05", 50.0)]


@pytest.fixture
def old_release(tmp_path):
    """A data folder whose warehouse looks built by an earlier release: no marts_version, a mart missing,
    and the personal columns inside the customers table (no identities file)."""
    path = build_warehouse(tmp_path, {"customers": CUSTOMERS, "orders": ORDERS})
    warehouse.identities_path(path).unlink()
    con = duckdb.connect(str(path))
    con.execute("ALTER TABLE customers ADD COLUMN name VARCHAR")
    con.execute("ALTER TABLE customers ADD COLUMN email VARCHAR")
    con.execute("UPDATE customers SET name = 'Ana Muñoz', email = 'ana@example.com' WHERE customer_id = 'A'")
    con.execute("UPDATE customers SET name = 'Björn Ek' WHERE customer_id = 'B'")
    con.execute("ALTER TABLE warehouse_info DROP COLUMN marts_version")
    con.execute("DROP TABLE interaction_daily")
    con.execute("INSERT INTO import_log VALUES ('orders.csv', 7, 'amount', 'x', 'not a number: row left out')")
    con.close()
    return tmp_path


def test_an_outdated_warehouse_is_recognised_and_rebuilt_from_its_own_tables(old_release):
    old = warehouse.current_path(old_release)
    assert warehouse.is_outdated(warehouse.connect(old))
    new = warehouse.upgrade(old_release)
    assert new != old and warehouse.current_path(old_release) == new
    runner = Runner(new)
    assert not warehouse.is_outdated(runner.con)
    assert runner.sql("SELECT count(*) AS n FROM interaction_daily").n[0] == 0  # the missing mart is back
    assert runner.sql("SELECT count(*) AS n FROM orders").n[0] == 3
    assert runner.sql("SELECT source FROM warehouse_info").source[0] == "test"
    assert runner.sql("SELECT message FROM import_log").message.tolist() == ["not a number: row left out"]
    kpis = runner("kpis", "2024-01-01", "2024-03-31").iloc[0]
    assert (kpis.revenue_amount, kpis.new_count, kpis.lost_count) == (250, 2, 1)


def test_an_upgrade_moves_the_personal_columns_out_of_the_warehouse(old_release):
    new = warehouse.upgrade(old_release)
    assert not {"name", "email"} & set(Runner(new).sql("SELECT * FROM customers").columns)
    people = warehouse.read_identities(new, ["A", "B"]).sort_values("customer_id").fillna("-")
    assert people.values.tolist() == [["A", "Ana Muñoz", "ana@example.com", True], ["B", "Björn Ek", "-", False]]
    # upgrading the split layout again (other marts) keeps the identities
    again = warehouse.build(warehouse._table_batches(warehouse.connect(new), warehouse.identities_path(new)),
                            old_release, source="test")
    assert warehouse.read_identities(again, ["A"]).name.tolist() == ["Ana Muñoz"]


def test_the_command_line_asks_for_an_upgrade_then_does_it(old_release):
    refused = crm("query", "kpis", data_dir=old_release)
    assert refused.returncode == 1 and "python -m crm upgrade" in refused.stderr
    assert crm("upgrade", data_dir=old_release).returncode == 0
    assert crm("query", "kpis", data_dir=old_release).returncode == 0


def test_the_app_upgrades_on_first_open(old_release, monkeypatch):
    old = warehouse.current_path(old_release)
    monkeypatch.setenv("CRM_DATA_DIR", str(old_release))
    monkeypatch.chdir(ROOT)
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.switch_page("pages/3_Channels.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert warehouse.current_path(old_release) != old
