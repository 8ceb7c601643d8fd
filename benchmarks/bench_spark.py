"""Benchmark: the demo warehouse built by Spark (local[2]) against the DuckDB build, in the same run.

For each size, `python -m crm build-demo --customers N` runs once with `--engine duckdb` and once
with `--engine spark` (a script, not a test), each in its own process into its own data folder.
Printed per build: wall time, peak memory of the whole process tree (Python + Spark's JVM, sampled
from /proc every 0.2 s), size on disk, and seconds per million rows of input (orders + interactions
+ the other tables). Then every query file runs once on each warehouse with the default filters
(a fresh reader, cold): the time the app needs to serve DuckDB's file vs Spark's Parquet, and
whether the results are equal (floats to 1e-9 relative: sums in another order differ in the last bits).

    python benchmarks/bench_spark.py [--sizes 250000,1000000] [--keep DIR] [--skip-queries]

Other work on the machine slows every figure: the load average is printed with each build.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from crm import catalog, spark_build, warehouse  # noqa: E402
from crm.parameters import default_values  # noqa: E402


def tree_rss(pid: int) -> int:
    """Resident memory of a process and all its descendants, in bytes."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(entry))
            rss[int(entry)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, IndexError, ValueError):
            continue
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        total += rss.get(current, 0)
        stack.extend(children.get(current, []))
    return total


def build(engine: str, customers: int, data_dir: Path) -> dict:
    env = {**os.environ, "CRM_DATA_DIR": str(data_dir), "CRM_KEEP_VERSIONS": "0"}
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "crm", "build-demo", "--customers", str(customers),
                                "--engine", engine], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True)
    peak = 0
    done = threading.Event()

    def sample():
        nonlocal peak
        while not done.is_set():
            peak = max(peak, tree_rss(process.pid))
            time.sleep(0.2)
    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, err = process.communicate()
    done.set()
    sampler.join()
    seconds = time.perf_counter() - started
    if process.returncode:
        raise SystemExit(f"{engine} build of {customers:,} failed:\n{err[-3000:]}")
    path = warehouse.current_path(data_dir)
    folder = path.parent if warehouse.is_parquet_version(path) else path
    disk = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else path.stat().st_size
    con = warehouse.connect(path)
    rows = sum(int(warehouse.run(con, f"SELECT count(*) AS n FROM {t}").frame.n[0]) for t in warehouse.base_tables())
    con.close()
    return {"engine": engine, "customers": customers, "seconds": seconds, "peak": peak, "disk": disk,
            "rows": rows, "path": path, "load": os.getloadavg()[0]}


def serve_queries(duck: Path, sparked: Path) -> tuple[float, float, list[str]]:
    """Seconds to run every query file (default filters) on each warehouse, and the files that differ."""
    queries = [q for q in catalog.load(ROOT / "queries").values() if isinstance(q, catalog.Query)]
    totals, results = [], []
    for path in (duck, sparked):
        con = warehouse.connect(path)
        values = {"grain": "month", "margin_pct": 0.3, **default_values(warehouse.info(con))}
        started = time.perf_counter()
        results.append({q.id: warehouse.run(con, q.sql, q.bind(values)).frame for q in queries})
        totals.append(time.perf_counter() - started)
        con.close()
    differ = [q.id for q in queries if spark_build.differences(results[0][q.id], results[1][q.id])]
    return totals[0], totals[1], differ


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="250000,1000000", help="demo customers, comma-separated")
    parser.add_argument("--keep", type=Path, help="build into this folder and keep it (default: a temp folder)")
    parser.add_argument("--skip-queries", action="store_true", help="only time the builds")
    args = parser.parse_args()
    root = args.keep or Path(tempfile.mkdtemp(prefix="crm-bench-spark-"))
    print(f"{os.cpu_count()} cores; builds in {root}", flush=True)
    header = (f"| customers | engine | build s | peak memory | on disk | input rows | s per M rows | load |\n"
              f"|---:|---|---:|---:|---:|---:|---:|---:|")
    lines = []
    try:
        for size in [int(s) for s in args.sizes.split(",")]:
            built = {}
            for engine in ("duckdb", "spark"):
                r = build(engine, size, root / f"{engine}-{size}")
                built[engine] = r
                line = (f"| {size:,} | {engine} | {r['seconds']:.1f} | {r['peak'] / 2**30:.2f} GiB | "
                        f"{r['disk'] / 2**30:.2f} GiB | {r['rows']:,} | {r['seconds'] / (r['rows'] / 1e6):.2f} | "
                        f"{r['load']:.1f} |")
                lines.append(line)
                print(line, flush=True)
            ratio = built["spark"]["seconds"] / built["duckdb"]["seconds"]
            print(f"  {size:,} customers: Spark local[2] took {ratio:.2f}x DuckDB's time", flush=True)
            if not args.skip_queries:
                duck_s, spark_s, differ = serve_queries(built["duckdb"]["path"], built["spark"]["path"])
                print(f"  every query file once (cold, default filters): DuckDB file {duck_s:.1f} s, Spark's "
                      f"Parquet {spark_s:.1f} s ({spark_s / duck_s:.2f}x); results differ: {differ or 'none'}",
                      flush=True)
        print("\n" + header + "\n" + "\n".join(lines))
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
