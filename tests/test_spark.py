"""Spark builds, DuckDB serves (issue 18): a warehouse built by Spark (local mode, and once through a
real standalone cluster) equals the DuckDB build of the same input, table by table and row by row,
and every query file gives the same result on both.

The expected values are the DuckDB build's, never the Spark build's. One SparkSession serves the
whole module; the cluster test runs the command line in its own process (one Spark context per JVM).
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT, open_page
from crm import catalog, demo, importer, warehouse
from crm.parameters import default_values

pytest.importorskip("pyspark")
if not shutil.which("java") and not os.environ.get("JAVA_HOME"):
    pytest.skip("no Java: tests/run.sh installs openjdk-17-jre-headless when run as root", allow_module_level=True)

from crm import spark_build  # noqa: E402

DEMO_CUSTOMERS = 2_000  # as conftest's demo_warehouse, which is the DuckDB side


@pytest.fixture(scope="session")
def spark():
    session = spark_build.session("local[2]")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def example(tmp_path_factory, spark):
    """data/example imported by DuckDB and by Spark: (duckdb connection, spark connection)."""
    duck = importer.run(ROOT / "data" / "example", tmp_path_factory.mktemp("example-duckdb"))
    sparked = importer.run(ROOT / "data" / "example", tmp_path_factory.mktemp("example-spark"),
                           build_with=lambda *a, **k: spark_build.build(*a, spark=spark, **k))
    assert warehouse.is_parquet_version(sparked.path) and not warehouse.is_parquet_version(duck.path)
    return warehouse.connect(duck.path), warehouse.connect(sparked.path)


@pytest.fixture(scope="module")
def demo_pair(tmp_path_factory, spark, demo_warehouse):
    """The small demo built by Spark, next to conftest's DuckDB build of the same customers and seed."""
    data_dir = tmp_path_factory.mktemp("demo-spark")
    path = demo.build(data_dir, customers=DEMO_CUSTOMERS, seed=7,
                      build_with=lambda *a, **k: spark_build.build(*a, spark=spark, **k))
    return warehouse.connect(warehouse.current_path(demo_warehouse)), warehouse.connect(path), data_dir


# --- comparing ------------------------------------------------------------------------------------

def same_tables(duck, sparked) -> None:
    for table, columns in warehouse.table_types().items():
        expected = warehouse.run(duck, f'SELECT * FROM "{table}"').frame
        got = warehouse.run(sparked, f'SELECT * FROM "{table}"').frame
        assert list(got.columns) == [c for c, _ in columns] == list(expected.columns), table
        assert len(got) == len(expected), table
        assert spark_build.differences(expected, got) is None, f"{table}: {spark_build.differences(expected, got)}"
        types = "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = $t ORDER BY ordinal_position"
        assert (warehouse.run(sparked, types, {"t": table}).frame.values.tolist()
                == warehouse.run(duck, types, {"t": table}).frame.values.tolist()), table


def same_query_results(duck, sparked, **lists) -> int:
    values = {"grain": "month", "margin_pct": 0.3, **default_values(warehouse.info(duck)), **lists}
    compared = 0
    for query in catalog.load(ROOT / "queries").values():
        assert not isinstance(query, catalog.QueryFileError), query
        expected = warehouse.run(duck, query.sql, query.bind(values)).frame
        got = warehouse.run(sparked, query.sql, query.bind(values)).frame
        assert spark_build.differences(expected, got) is None, f"{query.id}: {spark_build.differences(expected, got)}"
        compared += 1
    return compared


# --- the tests ------------------------------------------------------------------------------------

def test_example_every_table_and_mart_equals_the_duckdb_build(example):
    same_tables(*example)


def test_example_every_query_file_gives_the_same_result(example):
    assert same_query_results(*example) == len(catalog.load(ROOT / "queries"))


def test_demo_every_table_and_mart_equals_the_duckdb_build(demo_pair):
    duck, sparked, _ = demo_pair
    assert warehouse.run(sparked, "SELECT count(*) AS n FROM customers").frame.n[0] == DEMO_CUSTOMERS
    same_tables(duck, sparked)


def test_demo_every_query_file_gives_the_same_result(demo_pair):
    duck, sparked, _ = demo_pair
    same_query_results(duck, sparked)
    region = warehouse.run(duck, "SELECT min(region) AS r FROM customers").frame.r[0]
    same_query_results(duck, sparked, regions=[region], channels=["Web", "E-mail"])


def test_the_app_shows_the_same_overview_on_both(demo_pair, app_env, monkeypatch):
    """The Overview page, with its query workers and SQL allow-list, on the DuckDB file and on
    Spark's Parquet: no error, the same tiles."""
    duckdb_page = open_page()
    monkeypatch.setenv("CRM_DATA_DIR", str(demo_pair[2]))
    spark_page = open_page()
    for page in (duckdb_page, spark_page):
        assert not page.exception, [e.value for e in page.exception]
        assert not page.error, [e.value for e in page.error]
    assert len(spark_page.metric) >= 8
    assert ([(m.label, m.value) for m in spark_page.metric] == [(m.label, m.value) for m in duckdb_page.metric])


def test_served_parquet_version_is_locked_to_its_folder(example):
    _, sparked = example
    assert not warehouse.is_outdated(sparked)
    assert {"customer_value_at", "channel_use", "customer_costs"} <= warehouse.readable(sparked).table_macros
    for sql in ("SELECT * FROM read_csv('/etc/passwd')", "ATTACH '/tmp/x.duckdb' AS x",
                "SET enable_external_access = true"):
        with pytest.raises(warehouse.QueryError):
            warehouse.run(sparked, sql)


def test_an_outdated_parquet_version_is_upgraded_by_spark_not_by_duckdb(tmp_path):
    """DuckDB on the app machine does not rebuild what Spark built (it may not fit): the user is told how."""
    version = tmp_path / "warehouse-20260101-000000-000000.parquet"
    version.mkdir()
    (tmp_path / "current.txt").write_text(f"{version.name}/{warehouse.CATALOG_FILE}\n")
    (version / warehouse.CATALOG_FILE).touch()
    with pytest.raises(warehouse.WarehouseError, match="upgrade --engine spark"):
        warehouse.upgrade(tmp_path)


def test_a_failed_spark_build_leaves_the_current_version(tmp_path, spark, monkeypatch):
    path = importer.run(ROOT / "data" / "example", tmp_path).path
    from crm import spark_sql
    broken = spark_sql.Mart("customer_spells", "03_customer_spells.sql", "SELECT no_such_column FROM customers")
    monkeypatch.setattr(spark_sql, "marts", lambda params: [broken])
    with pytest.raises(spark_build.SparkBuildError, match="03_customer_spells.sql"):
        importer.run(ROOT / "data" / "example", tmp_path,
                     build_with=lambda *a, **k: spark_build.build(*a, spark=spark, **k))
    assert warehouse.current_path(tmp_path) == path
    assert not [p for p in tmp_path.iterdir() if p.suffix == ".parquet"]  # the half-built folder is gone


def test_refused_import_names_file_row_and_column_before_spark_starts(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "customers.csv").write_text("customer_id,acquired_on\nA,2024-01-01\nB,2024-13-01\n")
    result = subprocess.run([sys.executable, "-m", "crm", "import", str(folder), "--engine", "spark"], cwd=ROOT,
                            env={**os.environ, "CRM_DATA_DIR": str(tmp_path / "data")}, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 1
    assert "error: customers.csv, row 3, column acquired_on: '2024-13-01' is not a date" in result.stderr
    assert "Traceback" not in result.stderr


# --- a real standalone cluster: a master and two workers from pyspark's own scripts ----------------

def _free_port(low: int, high: int) -> int:
    for port in range(low, high):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise RuntimeError(f"no free port in {low}-{high}")


@pytest.fixture
def standalone_cluster(tmp_path):
    import pyspark
    spark_home = Path(pyspark.__file__).parent
    env = {**os.environ, "SPARK_HOME": str(spark_home), "SPARK_WORKER_DIR": str(tmp_path / "work"), "SPARK_LOCAL_IP": "127.0.0.1"}
    master_port, ui_port = _free_port(7180, 7190), _free_port(4180, 4190)
    url = f"spark://127.0.0.1:{master_port}"
    spark_class = [str(spark_home / "bin" / "spark-class")]
    master_log = tmp_path / "master.log"
    processes = [subprocess.Popen(spark_class + ["org.apache.spark.deploy.master.Master", "--host", "127.0.0.1",
                                                 "--port", str(master_port), "--webui-port", str(ui_port)],
                                  env=env, stdout=subprocess.DEVNULL, stderr=master_log.open("w"))]
    try:
        _wait_for_port(master_port)
        for n in range(2):
            port, ui = _free_port(7191 + 2 * n, 7199), _free_port(4191 + 2 * n, 4199)
            processes.append(subprocess.Popen(
                spark_class + ["org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1", "--port", str(port),
                               "--webui-port", str(ui), "--cores", "1", "--memory", "1g", url],
                env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
            _wait_for_port(port)
        yield url, master_log
    finally:
        for process in reversed(processes):
            process.terminate()
        for process in processes:
            process.wait(timeout=30)


def _wait_for_port(port: int, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.3)
    raise RuntimeError(f"nothing listens on port {port} after {seconds} s")


def test_build_demo_through_a_standalone_cluster(tmp_path, standalone_cluster):
    url, master_log = standalone_cluster
    duck_dir, spark_dir = tmp_path / "duckdb", tmp_path / "spark"
    demo.build(duck_dir, customers=300, seed=3)
    result = subprocess.run([sys.executable, "-m", "crm", "build-demo", "--customers", "300", "--seed", "3",
                             "--engine", "spark", "--spark-master", url], cwd=ROOT,
                            env={**os.environ, "CRM_DATA_DIR": str(spark_dir)}, capture_output=True, text=True,
                            timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    sparked = warehouse.current_path(spark_dir)
    assert warehouse.is_parquet_version(sparked)
    duck, served = warehouse.connect(warehouse.current_path(duck_dir)), warehouse.connect(sparked)
    same_tables(duck, served)
    same_query_results(duck, served)
    # the build ran as an application of this cluster, on executors of both workers
    log = master_log.read_text(errors="replace")
    assert "Registering app crm-warehouse" in log
    assert log.count("Launching executor") == 2, log[-2000:]


def test_differences_sees_rows_not_their_order_nor_the_last_bits():
    import pandas as pd
    expected = pd.DataFrame({"segment": ["A", "B"], "n": [1, 2], "amount": [112460905.25000004, 0.1 + 0.2],
                             "channels": [["Web"], ["Fax", "Web"]]})
    same = pd.DataFrame({"segment": ["B", "A"], "n": [2, 1], "amount": [0.3, 112460905.25000001],
                         "channels": [["Fax", "Web"], ["Web"]]})
    assert spark_build.differences(expected, same) is None
    other = same.assign(amount=[0.3, 112460915.25])
    assert "112460915.25" in spark_build.differences(expected, other)
    assert "rows" in spark_build.differences(expected, same.head(1))
    assert "Fax" in spark_build.differences(expected, same.assign(channels=[["Fax"], ["Web"]]))
