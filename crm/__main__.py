"""Command line: python -m crm {build-demo, import, upgrade, query, check, settings}."""
from __future__ import annotations

import argparse
import functools
import sys
import time
from pathlib import Path

from crm import catalog, sandbox, settings, warehouse
from crm.errors import CrmError
from crm.parameters import default_values


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m crm", description="CRM dashboard warehouse and queries.")
    commands = parser.add_subparsers(dest="command", required=True)

    build = commands.add_parser("build-demo", help="build the demo warehouse and make it current")
    build.add_argument("--customers", type=int, default=settings.get("demo_customers"))
    build.add_argument("--seed", type=int, default=settings.get("demo_seed"))

    load = commands.add_parser("import", help="import CRM exports (one CSV/Parquet file per table) from a folder")
    load.add_argument("folder", type=Path, help="folder with customers.csv and optional orders.csv, ...")
    load.add_argument("--inactive-after-days", type=int, default=settings.get("inactive_after_days"), metavar="N",
                      help="customers without lost_on are lost N days after their last order")

    upgrade = commands.add_parser("upgrade", help="rebuild the current warehouse's summary tables for this release")

    query = commands.add_parser("query", help="run a query file on the current warehouse")
    query.add_argument("name", help="query id (the file name without .sql)")
    query.add_argument("--param", action="append", default=[], metavar="KEY=VALUE",
                       help="start_date/end_date as YYYY-MM-DD (end inclusive); lists comma-separated")
    query.add_argument("--format", choices=["csv", "json"], default="csv")

    check = commands.add_parser("check", help="validate every query file; exit 1 if any is broken")
    check.add_argument("--timeout", type=float, default=settings.get("query_timeout_seconds"), metavar="SECONDS",
                       help="a file still running after this long is reported as broken")
    commands.add_parser("settings", help="list the settings, their environment variables and values")
    commands.add_parser("parameters", help="list the parameters query files may use")
    commands.add_parser("migrate", help="bring the app's own database (notes, answers, access log) to this "
                                        "release's schema; the app also does it on start")

    for command in (build, load, upgrade):
        command.add_argument("--engine", choices=["duckdb", "spark"], default="duckdb",
                             help="who builds the warehouse: DuckDB on this machine (a file) or Apache Spark "
                                  "(Parquet served by DuckDB)")
        command.add_argument("--spark-master", metavar="URL",
                             help="with --engine spark: local[N] (default local[2]), spark://host:port or sc://host:port")

    args = parser.parse_args(argv)
    try:
        return {"build-demo": _build_demo, "import": _import, "upgrade": _upgrade, "query": _query,
                "check": _check, "settings": _settings, "parameters": _parameters,
                "migrate": _migrate}[args.command](args)
    except sandbox.QueryFailed as error:
        print(f"error: the query {error}", file=sys.stderr)
        return 1
    except (CrmError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1


def _progress_printer():
    def progress(fraction: float, message: str) -> None:
        print(f"\r[{'#' * int(fraction * 30):<30}] {fraction:4.0%} {message:<40}", end="", file=sys.stderr, flush=True)
    return progress


def _builder(args):
    """None for DuckDB (warehouse.build), else the Spark build on the chosen master."""
    if args.engine == "duckdb":
        if args.spark_master:
            raise ValueError("--spark-master needs --engine spark")
        return None
    from crm import spark_build  # pyspark itself is imported only when the build starts
    return functools.partial(spark_build.build, master=args.spark_master)


def _build_demo(args) -> int:
    from crm import demo
    started = time.perf_counter()
    path = demo.build(settings.get("data_dir"), customers=args.customers, seed=args.seed,
                      inactive_after_days=settings.get("inactive_after_days"), progress=_progress_printer(),
                      build_with=_builder(args))
    print(f"\nbuilt {path} in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return 0


def _import(args) -> int:
    from crm import importer
    say = lambda line: print(line, file=sys.stderr, flush=True)  # noqa: E731
    try:
        result = importer.run(args.folder, settings.get("data_dir"), inactive_after_days=args.inactive_after_days,
                              say=say, build_with=_builder(args))
    except importer.ImportRefused as refused:
        for problem in refused.errors:
            say(f"error: {problem}")
        say(f"import refused: {refused}")
        return 1
    print(f"imported {sum(result.rows.values()):,} rows from {len(result.rows)} file(s) with {len(result.warnings)} "
          f"warning(s) in {result.seconds:.1f} s; the app now serves {_version(result.path)}")
    return 0


def _upgrade(args) -> int:
    _current()
    path = warehouse.upgrade(settings.get("data_dir"), progress=_progress_printer(), build_with=_builder(args))
    print(f"\nthe app now serves {_version(path)}", file=sys.stderr)
    return 0


def _version(path) -> str:
    """A version's name: the DuckDB file, or the folder of a Parquet version (built by Spark)."""
    return path.parent.name if warehouse.is_parquet_version(path) else path.name


def _current():
    path = warehouse.current_path(settings.get("data_dir"))
    if path is None:
        raise warehouse.WarehouseError(f"no warehouse in {settings.get('data_dir')}: run `python -m crm build-demo` first")
    return path


def _reader() -> str:
    """The current warehouse, as the query workers open it; refused when an earlier release built it."""
    path = str(_current().resolve())
    if sandbox.info(path)["outdated"]:
        raise warehouse.WarehouseError("the warehouse was built by an earlier release of the dashboard: run "
                                       "`python -m crm upgrade` (or open the dashboard, which does it)")
    return path


def _query(args) -> int:
    query = catalog.get(args.name)  # ids are plain file names inside queries/
    path = _reader()
    values = default_values(sandbox.info(path))  # last 12 months, everything selected
    for pair in args.param:
        key, sep, text = pair.partition("=")
        if not sep:
            raise ValueError(f"--param {pair!r}: expected KEY=VALUE")
        values[key] = query.parse_value(key, text)
    try:
        frame = sandbox.query(path, query.sql, query.bind(values))
    except sandbox.Refused as refused:  # the same SQL check as in the app
        raise catalog.QueryFileError(query.path, str(refused)) from None
    if args.format == "csv":
        frame.to_csv(sys.stdout, index=False, date_format="%Y-%m-%d")
    else:
        print(frame.to_json(orient="records", date_format="iso", indent=1))
    return 0


def _check(args) -> int:
    from crm import checks
    report = checks.check_all(catalog.load(), _reader(), args.timeout)
    for line in report.lines:
        print(line)
    print(f"{report.ok} ok, {report.failed} broken", file=sys.stderr)
    return 1 if report.failed else 0


def _settings(args) -> int:
    for row in settings.table():
        print(f"{row['name']:<22} {row['env']:<26} {str(row['value']):<30} {row['help']}")
    return 0


def _parameters(args) -> int:
    from crm.parameters import PARAMETERS
    for p in PARAMETERS.values():
        print(f"${p.name:<12} {p.sql_type:<10} set by the {p.set_by:<7} e.g. {p.example:<14} {p.help}")
    return 0


def _migrate(args) -> int:
    from crm import appstate
    try:
        appstate.engine()  # connects and applies the migrations it has not had
    except Exception as error:  # noqa: BLE001 - any driver error, said plainly
        print(f"error: the app's database {appstate.describe()} cannot be migrated: {error}", file=sys.stderr)
        return 1
    print(f"{appstate.describe()}: schema up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
