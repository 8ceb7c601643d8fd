"""The analysts' sandbox: hostile query files are refused by the allow-list or stopped by the
workers' limits, and neither slows nor breaks anyone else's queries."""
from __future__ import annotations

import threading
import time

import pytest

from crm import sandbox, warehouse

# Each is refused by the SQL check before it runs.
REFUSED = {
    "setting": "SELECT current_setting('threads')",
    "version": "SELECT version()",
    "environment": "SELECT getenv('HOME')",
    "variable": "SELECT getvariable('x')",
    "database name": "SELECT current_database()",
    "schema name": "SELECT current_schema()",
    "sequence": "SELECT nextval('s')",
    "sleep": "SELECT sleep_ms(100000)",
    "pg sleep": "SELECT pg_sleep(100)",
    "log": "SELECT write_log('x')",
    "secret": "SELECT which_secret('s3://bucket/x', 's3')",
    "dynamic sql text": "SELECT json_serialize_sql('SELECT 1')",
    "repeat bomb": "SELECT repeat('x', 200000000) AS s",
    "system view": "SELECT * FROM duckdb_tables",
    "pg view": "SELECT * FROM pg_settings",
    "information schema": "SELECT * FROM information_schema.tables",
    "qualified table": "SELECT * FROM main.customers",
    "attached name": "SELECT * FROM wh.main.customers",
    "system function": "SELECT * FROM duckdb_settings()",
    "qualified system function": "SELECT * FROM system.main.duckdb_settings()",
    "cte shadows a system view": "WITH duckdb_databases AS (SELECT * FROM duckdb_databases) SELECT * FROM duckdb_databases",
    "cte shadows pg_settings": "WITH pg_settings AS (SELECT * FROM pg_settings) SELECT * FROM pg_settings",
    "cte shadows duckdb_tables": "WITH DuckDB_Tables AS (SELECT 1) SELECT * FROM duckdb_tables",
    "summarize": "SUMMARIZE customers",
    "summarize in a subquery": "SELECT * FROM (SUMMARIZE customers)",
    "describe": "DESCRIBE customers",
    "show tables": "SHOW TABLES",
    "dynamic sql": "SELECT * FROM query('SELECT 1')",
    "dynamic table": "SELECT * FROM query_table('customers')",
    "file by name": "SELECT * FROM '/etc/passwd'",
    "csv file": "SELECT * FROM read_csv('/etc/passwd')",
    "parquet file": "SELECT * FROM read_parquet('data/*.parquet')",
    "glob": "SELECT * FROM glob('/*')",
    "range table": "SELECT * FROM range(100000000)",
    "series table": "SELECT * FROM generate_series(1, 100000000)",
    "sniff": "SELECT * FROM sniff_csv('/etc/passwd')",
    "database size": "SELECT * FROM pragma_database_size()",
    "method on a schema": "SELECT main.upper('x')",
    "qualified setting": "SELECT system.main.current_setting('threads')",
    "attach": "ATTACH 'x.duckdb' AS y",
    "copy": "COPY customers TO 'x.csv'",
    "pragma": "PRAGMA database_list",
    "set": "SET enable_external_access = true",
    "create": "CREATE TABLE x AS SELECT 1",
    "install": "INSTALL httpfs",
    "two statements": "SELECT 1; SELECT 2",
    "call": "CALL duckdb_settings()",
}


@pytest.fixture(scope="module")
def served(demo_warehouse) -> str:
    return str(warehouse.current_path(demo_warehouse).resolve())


@pytest.fixture(scope="module")
def pool():
    """Two workers with tight limits: 800 MB each, 3 s, 50,000 rows."""
    workers = sandbox.Pool(2, 800)
    yield workers
    workers.close()


def ask(pool, path, sql, *, timeout=3.0, max_rows=50_000):
    data = pool.ask({"op": "query", "path": path, "sql": sql, "params": {}, "timeout": timeout,
                     "max_rows": max_rows}, timeout + sandbox.KILL_GRACE_SECONDS)
    return sandbox.pa.ipc.open_stream(data).read_all()


@pytest.mark.parametrize("sql", REFUSED.values(), ids=REFUSED.keys())
def test_hostile_query_files_are_refused(pool, served, sql):
    with pytest.raises(sandbox.Refused):
        ask(pool, served, sql)


@pytest.mark.parametrize("sql, limit", [
    ("SELECT count(*) AS n FROM orders a, orders b, interactions c", "stopped after 3 s"),
    ("WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM t) SELECT count(*) AS n FROM t",
     "stopped after 3 s|more memory|out of memory"),
    ("SELECT a.* FROM orders a, orders b", "more than 50,000 rows"),
    ("SELECT unnest(generate_series(1, 100000000)) AS n", "more than 50,000 rows|more memory|out of memory"),
    ("SELECT length(string_agg(lpad(o.order_id, 100000, 'x'), ',')) AS n FROM orders o", "more memory|out of memory|stopped after"),
    ("SELECT length(list(lpad(o.order_id, 100000, 'x'))::VARCHAR) AS n FROM orders o", "more memory|out of memory|stopped after"),
    ("SELECT max(length(lpad(o.order_id, 300000000, 'x'))) AS n FROM orders o", "more memory|out of memory"),  # at once
])
def test_runaway_queries_are_stopped_within_the_limits(pool, served, sql, limit):
    started = time.perf_counter()
    with pytest.raises(sandbox.QueryFailed, match=limit):
        ask(pool, served, sql)
    assert time.perf_counter() - started < 3 + sandbox.KILL_GRACE_SECONDS + 10  # a worker restart included
    assert ask(pool, served, "SELECT count(*) AS n FROM customers")["n"][0].as_py() == 2000  # the pool serves on


def test_a_runaway_query_does_not_stop_other_users(pool, served):
    """While one worker is busy with a runaway query, the other keeps answering."""
    failures = []
    bomb = threading.Thread(target=lambda: failures.append(pytest.raises(
        sandbox.QueryFailed, ask, pool, served, "SELECT count(*) AS n FROM orders a, orders b, orders c")))
    bomb.start()
    time.sleep(0.5)
    answers = [ask(pool, served, "SELECT count(*) AS n FROM customers")["n"][0].as_py() for _ in range(10)]
    bomb.join()
    assert answers == [2000] * 10 and len(failures) == 1


def test_a_killed_worker_is_replaced(pool, served):
    worker = pool.idle.get()
    worker = worker or sandbox._Worker(pool.memory_mb)
    worker.process.kill()
    pool.idle.put(worker)
    results = []
    for _ in range(3):  # whichever worker each request takes, the dead one fails once, then is replaced
        try:
            results.append(ask(pool, served, "SELECT 1 AS one")["one"][0].as_py())
        except sandbox.QueryFailed:
            results.append("lost")
    assert results.count(1) >= 2


def test_the_functions_on_the_allow_list_exist():
    import duckdb
    known = {name.lower() for (name,) in duckdb.connect().execute(
        "SELECT DISTINCT function_name FROM duckdb_functions()").fetchall()}
    assert warehouse.allowed_functions() - known == set()
