"""The command line, run as users run it: python -m crm ..."""
import csv
import io
import json
import os
import subprocess
import sys

from conftest import ROOT


def crm(*args, data_dir, queries_dir=None):
    env = {**os.environ, "CRM_DATA_DIR": str(data_dir)}
    if queries_dir:
        env["CRM_QUERIES_DIR"] = str(queries_dir)
    return subprocess.run([sys.executable, "-m", "crm", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=300)


def test_query_movements_satisfies_the_identity_on_every_row(demo_warehouse):
    result = crm("query", "movements_monthly", "--format", "csv", data_dir=demo_warehouse)
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 12  # the default period: the last 12 months
    for row in rows:
        n = {k: int(v) for k, v in row.items() if k.endswith("_count")}
        assert n["active_end_count"] == (n["active_start_count"] + n["new_count"]
                                         + n["reactivated_count"] - n["lost_count"])
    assert any(int(r["lost_count"]) > 0 for r in rows) and any(int(r["new_count"]) > 0 for r in rows)


def test_query_with_parameters_as_json(demo_warehouse):
    result = crm("query", "revenue_monthly", "--param", "start_date=2026-01-01", "--param", "end_date=2026-03-31",
                 "--param", "segments=Household,Multinational", "--format", "json", data_dir=demo_warehouse)
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert [r["month"][:10] for r in rows] == ["2026-01-01", "2026-02-01", "2026-03-01"]
    assert all(r["revenue_amount"] > 0 for r in rows)


def test_query_errors_are_readable(demo_warehouse, tmp_path):
    result = crm("query", "no_such_query", data_dir=demo_warehouse)
    assert result.returncode == 1 and "no_such_query.sql: no such query file" in result.stderr
    result = crm("query", "kpis", "--param", "start_date=yesterday", data_dir=demo_warehouse)
    assert result.returncode == 1 and "'yesterday' is not an ISO date" in result.stderr
    result = crm("query", "kpis", data_dir=tmp_path)
    assert result.returncode == 1 and "no warehouse" in result.stderr and "build-demo" in result.stderr


def test_check_passes_on_the_shipped_queries(demo_warehouse):
    result = crm("check", data_dir=demo_warehouse)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ok     movements_monthly" in result.stdout


def test_check_fails_on_a_broken_file_and_names_it(demo_warehouse, tmp_path):
    (tmp_path / "good.sql").write_text("-- title: Good\nSELECT count(*) AS customers_count FROM customers")
    (tmp_path / "typo.sql").write_text("-- title: Typo\nSELECT count(*) FRO customers")
    (tmp_path / "escape.sql").write_text("-- title: Escape\nSELECT * FROM read_csv('/etc/passwd')")
    (tmp_path / "chart.sql").write_text("-- title: Chart\n-- chart: bar x=month y=nothing_count\nSELECT 1 AS month")
    result = crm("check", data_dir=demo_warehouse, queries_dir=tmp_path)
    assert result.returncode == 1
    assert "ok     good" in result.stdout
    assert "BROKEN typo: typo.sql: syntax error" in result.stdout
    assert "BROKEN escape: escape.sql: uses a table function" in result.stdout
    assert "BROKEN chart: chart.sql: chart names column(s) nothing_count" in result.stdout
    assert "1 ok, 3 broken" in result.stderr


def test_settings_lists_environment_overrides(tmp_path):
    result = crm("settings", data_dir=tmp_path)
    assert result.returncode == 0
    line = next(l for l in result.stdout.splitlines() if l.startswith("data_dir"))
    assert "CRM_DATA_DIR" in line and str(tmp_path) in line


def test_query_runs_only_files_inside_the_queries_folder_and_checks_them_first(demo_warehouse, tmp_path):
    outside = tmp_path / "outside.sql"
    outside.write_text("-- title: Outside\nSELECT 1 AS one")
    result = crm("query", "../" * 6 + str(outside.with_suffix("")).lstrip("/"), data_dir=demo_warehouse)
    assert result.returncode == 1 and "is not a query id" in result.stderr
    folder = tmp_path / "queries"
    folder.mkdir()
    (folder / "settings.sql").write_text("-- title: Settings\nSELECT current_setting('threads') AS n")
    result = crm("query", "settings", data_dir=demo_warehouse, queries_dir=folder)
    assert result.returncode == 1 and "current_setting(), which query files may not use" in result.stderr


def test_check_stops_a_file_that_runs_too_long(demo_warehouse, tmp_path):
    (tmp_path / "forever.sql").write_text("-- title: Forever\nWITH RECURSIVE t(n) AS (SELECT 1 UNION ALL "
                                          "SELECT n + 1 FROM t) SELECT count(*) AS n_count FROM t")
    (tmp_path / "quick.sql").write_text("-- title: Quick\nSELECT count(*) AS customers_count FROM customers")
    result = crm("check", "--timeout", "2", data_dir=demo_warehouse, queries_dir=tmp_path)
    assert result.returncode == 1
    assert "ok     quick" in result.stdout
    assert "BROKEN forever: forever.sql: failed to run: stopped" in result.stdout
