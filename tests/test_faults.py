"""Faults lose nothing: an import, a demo build or an upgrade killed with SIGKILL at a known point
(while loading, while building marts, right after the rename before the pointer flips) leaves the
current warehouse current and byte-identical; what it left behind is never taken for a version,
is not touched while a build runs, and is removed at the next start or import, which deletes
nothing else.

The kills are real: a child process runs the command line with one warehouse function wrapped to
print PAUSED and sleep at the chosen point, and the test sends it SIGKILL there.
"""
from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from conftest import ROOT, Runner
from crm import importer, warehouse
from test_importer import GOOD, write

DRIVER = '''
import sys, time
from crm import warehouse as w
from crm import __main__ as cli

stage, argv = sys.argv[1], sys.argv[2:]


def pause():
    print("PAUSED", flush=True)
    time.sleep(600)


if stage == "loading":  # the second chunk never comes: the first is in the staging file
    load = w._load_base_tables
    def loading(con, chunks, progress):
        def chunks_then_pause():
            for number, chunk in enumerate(chunks):
                if number == 1:
                    pause()
                yield chunk
        return load(con, chunks_then_pause(), progress)
    w._load_base_tables = loading
elif stage == "marts":  # half of the marts built, nothing checkpointed
    marts, files = w._build_marts, w.mart_files()
    def half(con, **kwargs):
        w.mart_files = lambda: files[:len(files) // 2]
        marts(con, **kwargs)
        pause()
    w._build_marts = half
elif stage == "renamed":  # both files renamed to their version names, the pointer not yet flipped
    w._point_to = lambda data_dir, path: pause()
sys.exit(cli.main(argv))
'''


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def files(data_dir: Path) -> set[str]:
    return {p.name for p in data_dir.iterdir()} - {"build.lock"}


@pytest.fixture
def serving(tmp_path):
    """A data folder with two good imports: an old version and the current one."""
    data_dir = tmp_path / "data"
    export = write(tmp_path / "export", GOOD)
    old = importer.run(export, data_dir).path
    current = importer.run(export, data_dir).path
    assert warehouse.current_path(data_dir) == current != old
    return data_dir, export, {p: digest(p) for p in (old, current, warehouse.identities_path(old),
                                                      warehouse.identities_path(current))}


def kill_at(stage: str, data_dir: Path, *argv: str, tmp_path: Path) -> None:
    """Run `python -m crm <argv>` until it pauses at the stage, then SIGKILL it."""
    driver = tmp_path / "driver.py"
    driver.write_text(DRIVER)
    env = {**os.environ, "CRM_DATA_DIR": str(data_dir), "PYTHONPATH": str(ROOT)}
    child = subprocess.Popen([sys.executable, str(driver), stage, *argv], cwd=ROOT, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    guard = threading.Timer(180, child.kill)
    guard.start()
    try:
        assert child.stdout.readline().strip() == "PAUSED", f"{argv} ended before reaching {stage}"
        # While it runs, a start of the app (cleanup) must leave its files alone: it holds the lock.
        before = files(data_dir)
        assert warehouse.clean_debris(data_dir) == [] and files(data_dir) == before
        child.send_signal(signal.SIGKILL)
        assert child.wait(30) == -signal.SIGKILL
    finally:
        guard.cancel()
        child.stdout.close()


def assert_untouched(data_dir: Path, kept: dict[Path, str]) -> None:
    current = [p for p in kept if p.name.startswith("warehouse-")][-1]
    assert warehouse.current_path(data_dir) == current
    assert {p: digest(p) for p in kept} == kept  # old and current versions byte-identical
    kpis = Runner(current)("kpis", "2024-01-01", "2024-06-30").iloc[0]
    assert (kpis.new_count, kpis.lost_count, kpis.revenue_amount) == (3, 1, pytest.approx(1150.5))


SCENARIOS = [("loading", "import"), ("marts", "import"), ("renamed", "import"),
             ("loading", "build-demo"), ("renamed", "build-demo"), ("marts", "upgrade")]


@pytest.mark.parametrize("stage, command", SCENARIOS)
def test_a_killed_build_loses_nothing_and_its_debris_goes_at_the_next_import(serving, tmp_path, stage, command):
    data_dir, export, kept = serving
    argv = {"import": ["import", str(export)], "build-demo": ["build-demo", "--customers", "300"],
            "upgrade": ["upgrade"]}[command]
    kill_at(stage, data_dir, *argv, tmp_path=tmp_path)
    assert_untouched(data_dir, kept)
    debris = files(data_dir) - {p.name for p in kept} - {"current.txt"}
    if stage == "renamed":  # a complete but never published version, newer than the current one
        assert len([n for n in debris if n.startswith("warehouse-")]) == 1
    else:
        assert debris and all(n.startswith("building-") for n in debris), debris
    # The next import removes exactly the debris, keeps both good versions, and works.
    result = importer.run(export, data_dir)
    assert warehouse.current_path(data_dir) == result.path
    assert {p: digest(p) for p in kept} == kept
    assert files(data_dir) == {"current.txt", result.path.name, warehouse.identities_path(result.path).name,
                               *(p.name for p in kept)}


def test_the_next_start_removes_the_debris_of_a_killed_import(serving, tmp_path):
    data_dir, export, kept = serving
    kill_at("marts", data_dir, "import", str(export), tmp_path=tmp_path)
    debris = files(data_dir) - {p.name for p in kept} - {"current.txt"}
    removed = warehouse.clean_debris(data_dir)  # what the app does once when it starts
    assert debris and set(removed) == debris
    assert files(data_dir) == {"current.txt", *(p.name for p in kept)}
    assert_untouched(data_dir, kept)


def test_debris_of_the_previous_release_never_costs_the_last_good_version(serving):
    # A killed import of the previous release left a partial warehouse-*.duckdb (newer than the
    # current one), its .wal and a .staging file; it then counted them as old versions.
    data_dir, export, kept = serving
    partial = data_dir / "warehouse-29990101-000000-000000.duckdb"
    for path in (partial, Path(str(partial) + ".wal"), partial.with_suffix(".staging")):
        path.write_bytes(b"half a warehouse")
    result = importer.run(export, data_dir)
    assert files(data_dir) == {"current.txt", result.path.name, warehouse.identities_path(result.path).name,
                               *(p.name for p in kept)}
    assert {p: digest(p) for p in kept} == kept


def test_a_first_demo_build_killed_leaves_no_version_and_its_debris_goes(tmp_path):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    kill_at("loading", data_dir, "build-demo", "--customers", "300", tmp_path=tmp_path)
    assert warehouse.current_path(data_dir) is None  # nothing to mistake for a warehouse
    debris = files(data_dir)
    assert debris and all(n.startswith("building-") for n in debris), debris
    assert set(warehouse.clean_debris(data_dir)) == debris and files(data_dir) == set()


def test_the_app_cleans_debris_when_it_starts(serving, monkeypatch):
    from crm import data
    data_dir, export, kept = serving
    stray = [data_dir / "building-20990101-000000-000000.duckdb", data_dir / "building-20990101-000000-000000.tmp",
             data_dir / "identities-20000101-000000-000000.duckdb"]  # the last: a version long gone
    stray[0].write_bytes(b"partial")
    stray[1].mkdir()
    stray[2].write_bytes(b"orphan")
    monkeypatch.setenv("CRM_DATA_DIR", str(data_dir))
    current = [p for p in kept if p.name.startswith("warehouse-")][-1]
    assert data.ensure_warehouse() == current.resolve()  # what the frame calls first on every page
    assert files(data_dir) == {"current.txt", *(p.name for p in kept)}
