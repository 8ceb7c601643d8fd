"""Benchmark: import 10M orders from CSV with `python -m crm import` (a script, not a test).

Writes customers.csv and orders.csv from the demo generator into a temporary folder (about
25 orders per customer: 10M orders come with 400k customers), then times the import into a
fresh data folder and prints orders per second and seconds. Goal: under 60 s. As a baseline in
the same run it times a plain pyarrow read of the same files (no checks, no warehouse), and
it prints the load average: other work on the machine slows every figure.

    python benchmarks/bench_import.py [--orders 10000000] [--keep DIR]
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyarrow.csv as pcsv

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from crm import demo  # noqa: E402

ORDERS_PER_CUSTOMER = 18  # a little below the demo's ~20, so the orders reach the target


def write_csv_set(folder: Path, orders: int) -> dict[str, int]:
    """customers.csv and orders.csv with exactly `orders` orders (the last customers may have none)."""
    writers: dict[str, pcsv.CSVWriter] = {}
    rows = {"customers": 0, "orders": 0}
    try:
        for table, chunk in demo.generate(customers=max(orders // ORDERS_PER_CUSTOMER, 1), seed=11):
            if table not in rows:
                continue
            if table == "orders":
                chunk = chunk.slice(0, orders - rows["orders"])
            if table not in writers:
                writers[table] = pcsv.CSVWriter(folder / f"{table}.csv", chunk.schema)
            writers[table].write_table(chunk)
            rows[table] += chunk.num_rows
            if rows["orders"] >= orders:
                break
    finally:
        for writer in writers.values():
            writer.close()
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--orders", type=int, default=10_000_000)
    parser.add_argument("--keep", type=Path, help="write the CSV set here and keep it (default: a temp folder)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="crm-bench-") as tmp:
        source = args.keep or Path(tmp) / "export"
        source.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        if not (source / "orders.csv").exists():
            rows = write_csv_set(source, args.orders)
            print(f"wrote {rows['customers']:,} customers and {rows['orders']:,} orders "
                  f"in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        size = sum(p.stat().st_size for p in source.glob("*.csv"))
        started = time.perf_counter()
        for path in source.glob("*.csv"):
            pcsv.read_csv(path)
        baseline = time.perf_counter() - started
        env = {**os.environ, "CRM_DATA_DIR": str(Path(tmp) / "data")}
        started = time.perf_counter()
        result = subprocess.run([sys.executable, "-m", "crm", "import", str(source)], cwd=ROOT, env=env)
        seconds = time.perf_counter() - started
    if result.returncode != 0:
        print(f"import failed with exit code {result.returncode}", file=sys.stderr)
        return 1
    print(f"imported {args.orders:,} orders ({size / 1e6:,.0f} MB of CSV) in {seconds:.1f} s: "
          f"{args.orders / seconds:,.0f} orders/s (goal: under 60 s)")
    print(f"baseline: a plain pyarrow read of the same CSV files took {baseline:.1f} s; the import took "
          f"{seconds / baseline:.1f} times as long (load average now {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
