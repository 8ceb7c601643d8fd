"""The query catalog: headers, parameters, binding and readable errors."""
import duckdb
import pytest

from crm import catalog, parameters, warehouse
from conftest import ROOT


def write(folder, name, text):
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


GOOD = """-- title: Revenue by région
-- description: One row per month:
--   revenue of the period.
-- chart: bar x=month y=revenue_amount,orders_count color=segment
-- owner: Ana Núñez
SELECT month, segment, 1 AS revenue_amount, 2 AS orders_count
FROM order_facts WHERE ordered_on >= $start_date AND in_filter($regions, region)
  AND note <> '$not_a_parameter' -- nor $this_one
"""


def test_header_and_parameters(tmp_path):
    query = catalog.parse(write(tmp_path / "sales", "revenue.sql", GOOD), tmp_path)
    assert (query.id, query.group, query.title, query.owner) == ("revenue", "sales", "Revenue by région", "Ana Núñez")
    assert query.description == "One row per month: revenue of the period."
    assert query.chart == catalog.Chart("bar", "month", ("revenue_amount", "orders_count"), "segment")
    assert query.parameters == ("start_date", "regions")  # not the ones in a string or a comment
    assert query.sql.startswith("SELECT month")


def test_bind_passes_only_the_parameters_the_sql_uses(tmp_path):
    query = catalog.parse(write(tmp_path, "revenue.sql", GOOD), tmp_path)
    values = {"start_date": "2024-01-01", "end_date": "2024-12-31", "regions": [], "segments": [], "channels": []}
    assert query.bind(values) == {"start_date": "2024-01-01", "regions": []}
    with pytest.raises(catalog.QueryFileError, match=r"no value given for parameter\(s\) \$regions"):
        query.bind({"start_date": "2024-01-01"})


@pytest.mark.parametrize("text, message, line", [
    ("-- title: x\n-- colour: red\nSELECT 1", "unknown header key 'colour'", 2),
    ("-- title: x\nSELECT $top_n", r"unknown parameter \$top_n", 2),
    ("-- description: no title\nSELECT 1", "has no '-- title:' header line", 1),
    ("-- title: x\n-- chart: pie x=a\nSELECT 1", "unknown chart kind 'pie'", 2),
    ("-- title: x\n-- chart: bar size=3\nSELECT 1", "chart option 'size=3'", 2),
    ("-- title: only a header\n", "holds no SQL", None),
])
def test_broken_files_name_the_file_and_line(tmp_path, text, message, line):
    path = write(tmp_path, "broken.sql", text)
    with pytest.raises(catalog.QueryFileError, match=message) as error:
        catalog.parse(path, tmp_path)
    assert error.value.line == line
    assert str(error.value).startswith("broken.sql" + (f", line {line}" if line else ""))


def test_a_file_that_is_not_utf8_is_an_error(tmp_path):
    path = tmp_path / "latin1.sql"
    path.write_bytes("-- title: Logroño\nSELECT 1".encode("latin-1"))
    with pytest.raises(catalog.QueryFileError, match="is not UTF-8"):
        catalog.parse(path, tmp_path)


def test_load_isolates_broken_files(tmp_path):
    write(tmp_path, "good.sql", GOOD)
    write(tmp_path, "bad.sql", "-- title: x\n-- colour: red\nSELECT 1")
    write(tmp_path, "sub/good.sql", GOOD)  # same id in another folder
    entries = catalog.load(tmp_path)
    assert isinstance(entries["bad"], catalog.QueryFileError)
    assert isinstance(entries["good"], catalog.QueryFileError) and "same id" in str(entries["good"])
    with pytest.raises(catalog.QueryFileError, match="no such query file"):
        catalog.get("missing", tmp_path)


def test_every_shipped_query_file_parses():
    entries = catalog.load(ROOT / "queries")
    assert {"movements_monthly", "revenue_monthly", "kpis"} <= set(entries)
    broken = {k: str(v) for k, v in entries.items() if isinstance(v, catalog.QueryFileError)}
    assert broken == {}


@pytest.mark.parametrize("sql, problem", [
    ("SELECT * FROM customers", None),
    ("WITH x AS (SELECT * FROM orders) SELECT * FROM x", None),
    ("SELECT * FROM wh.main.customers", "database or schema prefix"),
    ("SELECT * FROM main.customers", "database or schema prefix"),
    ("SELECT * FROM read_csv('/etc/passwd')", "table function"),
    ("SELECT 1; SELECT 2", "2 statements"),
    ("ATTACH 'x.duckdb' AS y", "not a SELECT"),
    ("COPY customers TO 'x.csv'", "not a SELECT"),
    ("DROP VIEW customers", "not a SELECT"),
    ("SELECT * FROM secrets", "unknown table 'secrets'"),
    ("SELECT 1,\n 2 FRO customers", "line 2"),
    ("SELECT * FROM channel_use(DATE '2024-01-01', DATE '2024-01-31')", None),  # the warehouse's table macro
    ("SELECT * FROM main.channel_use(DATE '2024-01-01', DATE '2024-01-31')", "table function"),
])
def test_statement_safety(sql, problem, small_database):
    con, readable = small_database
    found = warehouse.statement_problem(con, sql, readable)
    assert found is None if problem is None else problem in found


@pytest.fixture(scope="module")
def small_database():
    """customers and orders tables and a channel_use table macro, as the SQL check sees them."""
    con = duckdb.connect()
    con.execute("CREATE TABLE customers (customer_id VARCHAR, region VARCHAR)")
    con.execute("CREATE TABLE orders (order_id VARCHAR, customer_id VARCHAR, amount DOUBLE)")
    con.execute("CREATE MACRO channel_use(first, last) AS TABLE SELECT first AS day")
    return con, warehouse.readable(con)


def test_parse_value_for_the_command_line():
    assert parameters.parse("regions", "Iberia, DACH,") == ["Iberia", "DACH"]
    assert str(parameters.parse("end_date", "2024-02-29")) == "2024-02-29"
    with pytest.raises(ValueError, match="not an ISO date"):
        parameters.parse("start_date", "29/02/2024")


def test_the_reader_is_locked_down(demo_warehouse):
    con = warehouse.connect(warehouse.current_path(demo_warehouse))
    with pytest.raises(warehouse.QueryError, match="file system operations are disabled|Permission"):
        warehouse.run(con, "SELECT * FROM read_csv('/etc/hostname')")
    with pytest.raises(warehouse.QueryError, match="locked"):
        warehouse.run(con, "SET enable_external_access = true")
    with pytest.raises(warehouse.QueryError):
        warehouse.run(con, "CREATE TABLE x AS SELECT 1")  # read-only


PER_SET = """-- title: Orders per region
-- description: one row per region with orders from $start_date
SELECT region, count(*) AS orders_count, '$kept' AS note
FROM order_facts WHERE ordered_on >= $start_date AND in_filter($regions, region)
GROUP BY region ORDER BY region -- last line is a comment: $not_renamed
"""


def test_bind_each_runs_the_query_once_per_set_in_one_statement(tmp_path):
    con = duckdb.connect()
    con.execute("CREATE MACRO in_filter(selected, value) AS (len(selected) = 0 OR list_contains(selected, value))")
    con.execute("CREATE TABLE order_facts AS SELECT * FROM (VALUES (DATE '2024-01-05', 'Iberia'), "
                "(DATE '2024-02-05', 'Iberia'), (DATE '2024-02-06', 'Nordics')) t(ordered_on, region)")
    query = catalog.parse(write(tmp_path, "per_region.sql", PER_SET), tmp_path)
    sets = [{"start_date": "2024-01-01", "regions": []},
            {"start_date": "2024-02-01", "regions": ["Nordics"]},
            {"start_date": "2025-01-01", "regions": []}]  # no orders: an empty result keeps its place
    sql, params = query.bind_each(sets)
    assert sql.count("SELECT region") == 3 and "'$kept'" in sql and "$not_renamed" in sql
    assert params == {"s0__start_date": "2024-01-01", "s0__regions": [], "s1__start_date": "2024-02-01",
                      "s1__regions": ["Nordics"], "s2__start_date": "2025-01-01", "s2__regions": []}
    first, second, third = catalog.split_sets(warehouse.run(con, sql, params).frame, len(sets))
    assert first.values.tolist() == [["Iberia", 2, "$kept"], ["Nordics", 1, "$kept"]]
    assert second.values.tolist() == [["Nordics", 1, "$kept"]]
    assert third.empty and list(third.columns) == ["region", "orders_count", "note"]


def test_the_analysts_guide_lists_every_shared_parameter_with_its_type():
    import re
    guide = (ROOT / "queries" / "README.md").read_text()
    documented = dict(re.findall(r"^\| `\$(\w+)` \| ([A-Z\[\]]+) \|", guide, re.M))
    assert documented == {p.name: p.sql_type for p in parameters.PARAMETERS.values()}
