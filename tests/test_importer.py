"""Importing a company's own exports (python -m crm import): the example set with numbers
worked out by hand, minimal exports, every kind of bad input refused with the previous
warehouse left serving, and an import while another thread keeps querying.

Rows in messages count the CSV header as row 1 (the first data row is row 2).
"""
from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import threading
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from streamlit.testing.v1 import AppTest

from conftest import ROOT, Runner, d
from crm import __main__ as cli
from crm import importer, warehouse

EXAMPLE = ROOT / "data" / "example"
TODAY = dt.date(2026, 11, 23)


def write(folder: Path, files: dict[str, str | bytes]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        path = folder / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return folder


def import_cli(folder: Path, data_dir: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "CRM_DATA_DIR": str(data_dir)}
    return subprocess.run([sys.executable, "-m", "crm", "import", str(folder), *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)


def spells(runner: Runner) -> list[tuple]:
    frame = runner.sql("SELECT customer_id, spell_no, start_on, end_on FROM customer_spells ORDER BY ALL")
    return [(r.customer_id, r.spell_no, str(r.start_on.date()),
             None if str(r.end_on) == "NaT" else str(r.end_on.date())) for r in frame.itertuples()]


# --- the example set in data/example -----------------------------------------------------------
#
# customers (2025 unless said otherwise): K01 acquired 01-15; K02 02-01, lost 09-30; K03 no
# acquired_on, first order 03-10; K04 2024-11-20; K05 04-05, lost 06-30, ordered again 11-12 (a
# win-back); K06 05-20; K07 07-01; K08 08-15. The latest date is an interaction on 12-15.
# Period 2025-01-01..2025-12-15: active at start K04 = 1; new K01 K02 K03 K05 K06 K07 K08 = 7;
# reactivated K05 = 1; lost K02 and K05 = 2; active at end 1 + 7 + 1 - 2 = 7.
# Revenue: all 14 orders, 1200 + 950.50 + 89.90 + 45 + 120 + 60 + 5400 + 3200 + 75.25 + 80 + 430
# + 39.99 + 610 + 700 = 13,000.64. Households (K02 K03 K05 K07): new 4, reactivated 1, lost 2,
# end 3; revenue 134.90 + 180 + 155.25 + 39.99 = 510.14. NPS: 9 and 10 promote, 4 detracts, 7 is
# passive: (2 - 1) / 4 = 25. Channel costs: acquisition 3,320 + service 555 = 3,875.

@pytest.fixture(scope="module")
def example(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("example")
    result = import_cli(EXAMPLE, data_dir)
    assert result.returncode == 0, result.stderr
    return data_dir, result


def test_example_set_imports_with_hand_counted_rows(example):
    data_dir, result = example
    assert "orders.csv" in result.stderr and " 14 rows" in result.stderr  # progress: rows per table
    assert "imported 56 rows from 10 file(s) with 1 warning(s)" in result.stdout
    runner = Runner(warehouse.current_path(data_dir))
    counts = runner("table_row_counts", "2025-01-01", "2025-12-15").set_index("table_name")["rows_count"]
    assert counts.to_dict() == {"customers": 8, "leads": 3, "orders": 14, "interactions": 8, "channel_costs": 8,
                                "complaints": 3, "surveys": 4, "staff": 3, "training": 3, "targets": 2,
                                "calendar": 391, "customer_spells": 9, "movements_daily": 11, "order_facts": 14}
    build = runner("warehouse_build", "2025-01-01", "2025-12-15").iloc[0]
    assert build.source == "import: example"
    assert build.as_of_on.date() == d("2025-12-15") and build.data_start_on.date() == d("2025-01-08")
    acquired = runner.sql("SELECT acquired_on FROM customers WHERE customer_id = 'K03'").iloc[0, 0]
    assert acquired.date() == d("2025-03-10")  # taken from the first order
    assert runner.sql("SELECT city FROM customers WHERE customer_id = 'K06'").iloc[0, 0] == "Tromsø"


def test_example_set_gives_the_hand_worked_kpis(example):
    runner = Runner(warehouse.current_path(example[0]))
    kpis = runner("kpis", "2025-01-01", "2025-12-15").iloc[0]
    assert (kpis.active_start_count, kpis.new_count, kpis.reactivated_count, kpis.lost_count,
            kpis.active_end_count) == (1, 7, 1, 2, 7)
    assert kpis.orders_count == 14 and kpis.revenue_amount == pytest.approx(13_000.64)
    assert kpis.nps_score == pytest.approx(25.0) and kpis.channel_cost_amount == pytest.approx(3_875.0)
    households = runner("kpis", "2025-01-01", "2025-12-15", segments=["Household"]).iloc[0]
    assert (households.active_start_count, households.new_count, households.reactivated_count,
            households.lost_count, households.active_end_count) == (0, 4, 1, 2, 3)
    assert households.revenue_amount == pytest.approx(510.14)


def test_example_warnings_are_stored_with_the_build(example):
    runner = Runner(warehouse.current_path(example[0]))
    warnings = runner("import_warnings", "2025-01-01", "2025-12-15")
    assert warnings[["file_name", "row_number", "column_name"]].values.tolist() == [["customers.csv", 4, "acquired_on"]]
    assert "taken from the customer's first order" in warnings.message[0]


# --- minimal exports, header matching, Parquet, warnings ---------------------------------------
#
# Customers hold only their id; with a 30-day window:
#   M1 orders 2024-01-01, 01-20, 04-01: acquired 01-01; 01-20 is within 30 days of 01-01, so one
#      spell to 01-20 + 30 = 02-19; 04-01 comes after it: spell 2 from 04-01 to 05-01.
#   M2 orders 03-15 and 06-30: spell 1 03-15..04-14; spell 2 from 06-30, whose end (07-30) lies
#      after the as-of date 06-30: still open.

def test_a_minimal_export_gets_defaults_and_the_inactivity_window(tmp_path):
    folder = write(tmp_path / "minimal", {
        "Customers.CSV": "\ufeff Customer_ID \nM1\nM2\n",  # BOM, odd case and spaces, as exports come
        "orders.csv": "order_id,customer_id,ordered_on,amount\n1,M1,2024-01-01,10\n2,M1,2024-01-20,20\n"
                      "3,M1,2024-04-01,30\n4,M2,2024-03-15,40\n5,M2,2024-06-30,50\n",
    })
    result = import_cli(folder, tmp_path / "data", "--inactive-after-days", "30")
    assert result.returncode == 0, result.stderr
    runner = Runner(warehouse.current_path(tmp_path / "data"))
    assert spells(runner) == [("M1", 1, "2024-01-01", "2024-02-19"), ("M1", 2, "2024-04-01", "2024-05-01"),
                              ("M2", 1, "2024-03-15", "2024-04-14"), ("M2", 2, "2024-06-30", None)]
    customers = runner.sql("SELECT DISTINCT segment, region, country, channel FROM customers")
    assert customers.values.tolist() == [["Unknown"] * 4]
    info = runner.sql("SELECT source, inactive_after_days, as_of FROM warehouse_info").iloc[0]
    assert (info.source, info.inactive_after_days, info.as_of.date()) == ("import: minimal", 30, d("2024-06-30"))
    warned = runner("import_warnings", "2024-01-01", "2024-06-30").column_name.tolist()
    assert sorted(warned) == ["acquired_on", "channel", "country", "region", "segment"]


def test_semicolons_parquet_unknown_columns_channels_and_future_dates_are_warnings(tmp_path):
    pq.write_table(pa.table({"interaction_id": ["I1", "I2"], "customer_id": ["C1", "C2"],
                             "channel": ["Web", "Chat"], "interacted_on": pa.array([d("2024-05-01"), d("2027-01-01")]),
                             "Kind": ["sales", "service"]}), tmp_path / "interactions.parquet")
    write(tmp_path, {
        "customers.csv": "CUSTOMER_ID;Segment;Region;Country;Channel;Acquired_on;Notes\n"
                         "C1;Household;Iberia;Spain;Web;2024-01-01;vip\nC2;Household;Iberia;España;Chat;2024-02-01;\n",
        "orders.csv": "order_id,customer_id,ordered_on,amount,channel\nO1,C1,2024-01-05,\" 12.50 \",Chat\n",
        "notes.txt": "not a table",
    })
    tables, warnings = importer.read_folder(tmp_path, today=TODAY)
    assert tables["orders"]["amount"].to_pylist() == [12.5]  # surrounding spaces are trimmed
    assert tables["interactions"]["kind"].to_pylist() == ["sales", "service"]
    texts = [str(w) for w in warnings]
    assert "customers.csv, column Notes: is not a column of the contract; ignored" in texts
    assert "notes.txt: is not a file of the import contract (a table name with .csv or .parquet); ignored" in texts
    assert any(t.startswith("customers.csv, row 3, column channel: 'Chat' is not a known channel") for t in texts)
    assert any(t.startswith("orders.csv, row 2, column channel: 'Chat' is not a known channel") for t in texts)
    assert any(t.startswith("interactions.parquet, row 2, column interacted_on: '2027-01-01' is after today "
                            "(2026-11-23): 1 row(s)") for t in texts)
    assert len(texts) == 6  # ... and interactions.parquet's unknown channel


# --- bad input is refused; the previous warehouse keeps serving, untouched ---------------------

GOOD = {
    "customers.csv": "customer_id,name,segment,region,channel,acquired_on,lost_on\n"
                     "C1,Ana Muñoz,Household,Iberia,Web,2024-01-10,\n"
                     "C2,Jürgen Groß,Household,DACH,Web,2024-02-01,2024-05-01\n"
                     "C3,Åsa Öberg,Multinational,Nordics,Partner,2024-03-01,\n",
    "orders.csv": "order_id,customer_id,ordered_on,amount\nO1,C1,2024-01-10,100.00\nO2,C2,2024-02-01,50.50\n"
                  "O3,C3,2024-03-05,1000\n",
    "interactions.csv": "interaction_id,customer_id,channel,interacted_on\nI1,C1,Web,2024-06-30\n",
}


def changed(name: str, old: str, new: str) -> dict:
    assert old in GOOD[name]
    return {**GOOD, name: GOOD[name].replace(old, new)}


BAD = {
    "missing required column": (
        changed("orders.csv", ",amount\n", "\n"),
        "orders.csv, column amount: is a required column of orders and is missing"),
    "unparseable date": (
        changed("customers.csv", "2024-02-01,2024-05-01", "2024-02-30,2024-05-01"),
        "customers.csv, row 3, column acquired_on: '2024-02-30' is not a date (expected YYYY-MM-DD)"),
    "unparseable amount": (
        changed("orders.csv", "50.50", '"50,50"'),
        "orders.csv, row 3, column amount: '50,50' is not a number"),
    "blank required value": (
        changed("orders.csv", "O1,C1,2024-01-10", "O1,C1,"),
        "orders.csv, row 2, column ordered_on: is empty; a value is required"),
    "duplicate id": (
        changed("orders.csv", "O2,", "O1,"),
        "orders.csv, row 3, column order_id: 'O1' is a duplicate id (first on row 2)"),
    "order of an unknown customer": (
        changed("orders.csv", "O3,C3", "O3,C9"),
        "orders.csv, row 4, column customer_id: 'C9' is not a customer in customers.csv"),
    "interaction of an unknown customer": (
        changed("interactions.csv", "I1,C1", "I1,C7"),
        "interactions.csv, row 2, column customer_id: 'C7' is not a customer in customers.csv"),
    "lost before acquired": (
        changed("customers.csv", "2024-02-01,2024-05-01", "2024-02-01,2024-01-01"),
        "customers.csv, row 3, column lost_on: '2024-01-01' is before acquired_on 2024-02-01"),
    "no acquired_on and no orders": (
        {**changed("customers.csv", "Partner,2024-03-01", "Partner,"),
         "orders.csv": GOOD["orders.csv"].replace("O3,C3,2024-03-05,1000\n", "")},
        "customers.csv, row 4, column acquired_on: is empty and the customer has no orders to take it from"),
    "empty file": (
        {**GOOD, "orders.csv": ""},
        "orders.csv: is empty"),
    "header only": (
        {**GOOD, "interactions.csv": "interaction_id,customer_id,channel,interacted_on\n"},
        "interactions.csv: has no data rows"),
    "not UTF-8": (
        {**GOOD, "customers.csv": GOOD["customers.csv"].encode("latin-1")},
        "customers.csv, row 2, column name: 'Ana Mu\ufffdoz' holds byte 0xf1, which is not UTF-8"),
    "a row with too many fields": (
        changed("orders.csv", "O3,C3,2024-03-05,1000", "O3,C3,2024-03-05,1,000"),
        "orders.csv, row 4: 'O3,C3,2024-03-05,1,000' has 5 fields where the header has 4"),
    "no customers file": (
        {name: text for name, text in GOOD.items() if name != "customers.csv"},
        "customers.csv: is missing: every import needs a customers file"),
}


@pytest.fixture(scope="module")
def serving(tmp_path_factory):
    """A data folder serving a good import of GOOD, and the numbers it answers."""
    data_dir = tmp_path_factory.mktemp("serving")
    importer.run(write(tmp_path_factory.mktemp("good"), GOOD), data_dir)
    return data_dir, answers(data_dir)


def answers(data_dir: Path) -> tuple:
    path = warehouse.current_path(data_dir)
    kpis = Runner(path)("kpis", "2024-01-01", "2024-06-30").iloc[0]
    return path, path.stat().st_mtime_ns, kpis.new_count, kpis.lost_count, kpis.revenue_amount


@pytest.mark.parametrize("case", BAD)
def test_bad_input_is_refused_and_the_previous_warehouse_stays(serving, tmp_path, monkeypatch, capsys, case):
    data_dir, before = serving
    files, message = BAD[case]
    monkeypatch.setenv("CRM_DATA_DIR", str(data_dir))
    assert cli.main(["import", str(write(tmp_path / "export", files))]) == 1
    stderr = capsys.readouterr().err
    assert f"error: {message}" in stderr and stderr.count("error: ") == 1  # each problem said once
    assert "import refused" in stderr and "the current warehouse is unchanged" in stderr
    assert answers(data_dir) == before == (before[0], before[1], 3, 1, pytest.approx(1150.5))
    assert sorted(data_dir.glob("warehouse-*.duckdb")) == [before[0]]  # nothing half-built left behind


def test_an_inactivity_window_below_one_day_is_refused(serving, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CRM_DATA_DIR", str(serving[0]))
    assert cli.main(["import", str(write(tmp_path, GOOD)), "--inactive-after-days", "0"]) == 1
    assert "error: --inactive-after-days must be 1 or more, not 0" in capsys.readouterr().err
    assert answers(serving[0]) == serving[1]


def test_every_error_of_every_file_is_reported_up_to_a_limit(tmp_path):
    rows = "".join(f"O{i},C1,2024-01-{i % 28 + 1:02d},{'x' if i % 2 else i}\n" for i in range(60))
    files = {**GOOD, "orders.csv": "order_id,customer_id,ordered_on,amount\n" + rows,
             "interactions.csv": GOOD["interactions.csv"].replace("2024-06-30", "30/06/2024")}
    with pytest.raises(importer.ImportRefused) as refused:
        importer.read_folder(write(tmp_path, files))
    texts = [str(e) for e in refused.value.errors]
    amount_errors = [t for t in texts if t.startswith("orders.csv, row")]
    assert len(amount_errors) == importer.ERRORS_PER_FILE  # 30 bad amounts, the first 20 listed ...
    assert amount_errors[0] == ("orders.csv, row 3, column amount: 'x' is not a number "
                                "(expected digits with a decimal point, e.g. 1234.50)")
    assert amount_errors[-1].startswith("orders.csv, row 41,")  # rows 3, 5, ..., 41
    assert "orders.csv: has more errors, not listed (only the first 20 per file are shown)" in texts  # ... and said so
    assert any(t.startswith("interactions.csv, row 2, column interacted_on: '30/06/2024' is not a date") for t in texts)


def test_bad_values_are_found_in_a_big_column():
    values = pa.chunked_array([pa.array([f"{i}.5" for i in range(50_000)]), pa.array(["1", "oops", "2", "1e400"]),
                               pa.array(["3"] * 50_000 + ["nan"])])
    assert importer._bad_positions(values, importer._converter("DOUBLE"), limit=10) == [50_001, 50_003, 100_004]


# --- an import while another thread keeps querying ----------------------------------------------

def test_import_while_querying_never_fails_a_query(tmp_path):
    data_dir = tmp_path / "data"
    small = write(tmp_path / "small", GOOD)  # 3 orders
    bigger = write(tmp_path / "bigger", {**GOOD, "orders.csv": GOOD["orders.csv"] + "".join(
        f"X{i},C{i % 3 + 1},2024-04-{i % 30 + 1:02d},1\n" for i in range(20_000))})
    importer.run(small, data_dir)
    seen, failures, stop = set(), [], threading.Event()

    def query_in_a_loop():
        while not stop.is_set():
            try:  # like the app: follow the pointer on every run, open that version read-only
                con = warehouse.connect(warehouse.current_path(data_dir))
                seen.add(int(warehouse.run(con, "SELECT count(*) AS n FROM order_facts").frame.n[0]))
                con.close()
            except Exception as error:  # noqa: BLE001 - any failure is what this test looks for
                failures.append(repr(error))

    reader = threading.Thread(target=query_in_a_loop)
    reader.start()
    try:
        for folder in (bigger, small, bigger, small, bigger):
            importer.run(folder, data_dir)
    finally:
        stop.set()
        reader.join()
    assert failures == []
    assert seen == {3, 20_003}  # the reader saw both versions as each became current


# --- the Data page ------------------------------------------------------------------------------

def test_data_page_shows_the_source_counts_and_warnings(example, monkeypatch):
    monkeypatch.setenv("CRM_DATA_DIR", str(example[0]))
    monkeypatch.chdir(ROOT)
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.switch_page("pages/8_Data.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    facts = next(m.value for m in at.markdown if "**Source**" in m.value)
    assert "| **Source** | `import: example` |" in facts and "| **As of** | 15 Dec 2025 " in facts
    counts, warnings = at.dataframe[0].value, at.dataframe[1].value
    assert dict(zip(counts.table_name, counts.rows_count))["orders"] == 14
    assert warnings.column_name.tolist() == ["acquired_on"]


# --- hygiene: negative amounts, nested Parquet types, personal columns ------------------------

def test_negative_amounts_are_imported_with_a_warning_naming_file_row_and_column(tmp_path):
    # orders.csv rows: O1 (row 2) 100.00, O2 (row 3) -50.50 (a refund), O3 (row 4) 1000.
    files = changed("orders.csv", "O2,C2,2024-02-01,50.50", "O2,C2,2024-02-01,-50.50")
    data_dir = tmp_path / "data"
    result = importer.run(write(tmp_path / "export", files), data_dir, today=TODAY)
    negative = [w for w in result.warnings if "negative" in w.message]
    assert [(w.file, w.row, w.column, w.value) for w in negative] == [("orders.csv", 3, "amount", "-50.5")]
    runner = Runner(result.path)
    log = runner.sql("SELECT file_name, row_number, column_name, value FROM import_log WHERE message LIKE '%negative%'")
    assert log.values.tolist() == [["orders.csv", 3, "amount", "-50.5"]]
    # imported as it is: revenue in the first half of 2024 = 100 - 50.50 + 1000 = 1049.50
    assert runner("kpis", "2024-01-01", "2024-06-30").iloc[0].revenue_amount == pytest.approx(1049.5)


@pytest.mark.parametrize("column, values, kind", [
    ("name", pa.array([["Ana"], ["Jürgen"], ["Åsa"]], pa.list_(pa.string())), "list<element: string>"),
    ("city", pa.array([{"n": "a"}, {"n": "b"}, {"n": "c"}]), "struct<n: string>"),
    ("segment", pa.array([[("k", "v")], [], []], pa.map_(pa.string(), pa.string())), "map<string, string ('segment')>"),
])
def test_a_nested_parquet_column_is_refused_naming_file_and_column(tmp_path, capsys, monkeypatch, column, values, kind):
    base = {"customer_id": ["C1", "C2", "C3"], "acquired_on": pa.array([d("2024-01-10")] * 3)}
    pq.write_table(pa.table({**base, column: values}), write(tmp_path / "export", {}) / "customers.parquet")
    monkeypatch.setenv("CRM_DATA_DIR", str(tmp_path / "data"))
    assert cli.main(["import", str(tmp_path / "export")]) == 1
    err = capsys.readouterr().err
    assert f"error: customers.parquet, column {column}: has type {kind}, which cannot be imported" in err
    assert "Traceback" not in err and "Arrow" not in err
    assert warehouse.current_path(tmp_path / "data") is None  # nothing built


def test_personal_columns_are_imported_into_the_identities_file_only(serving):
    path = warehouse.current_path(serving[0])
    assert "name" not in Runner(path).sql("SELECT * FROM customers").columns
    people = warehouse.read_identities(path, ["C2", "C1", "C9"])
    assert sorted(people[["customer_id", "name"]].values.tolist()) == [["C1", "Ana Muñoz"], ["C2", "Jürgen Groß"]]
