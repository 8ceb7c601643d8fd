"""Shared fixtures: small warehouses built once per test session."""
from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

from crm import catalog, warehouse

ROOT = Path(__file__).resolve().parent.parent
# Tests see a page's exceptions as exceptions (users see a message with a reference instead).
os.environ.setdefault("CRM_SHOW_ERROR_DETAILS", "1")
os.environ.setdefault("STREAMLIT_CLIENT_SHOW_ERROR_DETAILS", "full")


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def customer(customer_id, acquired_on, lost_on=None, *, segment="Household", region="Iberia",
             channel="Web", loss_reason=None, **extra) -> dict:
    return {"customer_id": customer_id, "segment": segment, "region": region, "country": "Spain",
            "channel": channel, "acquired_on": d(acquired_on), "lost_on": d(lost_on) if lost_on else None,
            "loss_reason": loss_reason or ("Price" if lost_on else None), **extra}


def order(customer_id, ordered_on, amount=100.0, channel="Web", order_id=None) -> dict:
    return {"order_id": order_id or f"{customer_id}-{ordered_on}", "customer_id": customer_id,
            "ordered_on": d(ordered_on), "amount": amount, "channel": channel}


def build_warehouse(data_dir: Path, tables: dict[str, list[dict]], inactive_after_days=None) -> Path:
    """A warehouse from hand-written rows; columns not given are NULL."""
    schema = warehouse.base_tables()
    chunks = []
    for name, rows in tables.items():
        frame = pd.DataFrame(rows, columns=[c for c in schema[name] if any(c in r for r in rows)])
        chunks.append((name, pa.Table.from_pandas(frame, preserve_index=False)))
    return warehouse.build(chunks, data_dir, source="test", inactive_after_days=inactive_after_days)


class Runner:
    """Runs query files against one warehouse, with the shared parameters defaulted to 'all'."""

    def __init__(self, path: Path):
        self.con = warehouse.connect(path)

    def __call__(self, query_id: str, start: str, end: str, **lists) -> pd.DataFrame:
        values = {"start_date": d(start), "end_date": d(end), "regions": [], "segments": [], "channels": [],
                  "grain": "month", "margin_pct": 0.3, **lists}
        query = catalog.get(query_id, ROOT / "queries")
        return warehouse.run(self.con, query.sql, query.bind(values)).frame

    def sql(self, text: str) -> pd.DataFrame:
        return warehouse.run(self.con, text).frame


@pytest.fixture(scope="session")
def demo_warehouse(tmp_path_factory) -> Path:
    """A small demo warehouse (2,000 customers), built once."""
    from crm import demo
    data_dir = tmp_path_factory.mktemp("demo")
    demo.build(data_dir, customers=2_000, seed=7)
    return data_dir


@pytest.fixture
def app_env(demo_warehouse, monkeypatch) -> Path:
    """The app served from the project folder on the small demo warehouse."""
    monkeypatch.setenv("CRM_DATA_DIR", str(demo_warehouse))
    monkeypatch.chdir(ROOT)
    return demo_warehouse


def open_page(page: str = "dashboard.py", query_params: dict | None = None, *, view_as: str | None = None,
              user: dict | None = None, timeout: int = 120, root: Path = ROOT) -> AppTest:
    """A page as a new session opens it (one run): URL parameters, the demo user picked in "view as"
    or a signed-in user (st.user); the app's pages from `root`."""
    at = AppTest.from_file(str(root / "dashboard.py"), default_timeout=timeout)
    for key, value in (query_params or {}).items():
        at.query_params[key] = value
    if view_as:
        from crm import access
        at.session_state[access.VIEW_AS_KEY] = view_as
    if user:
        at.user = user
    if page != "dashboard.py":
        at.switch_page(page)
    return at.run()


def require_chromium() -> str:
    """Debian's chromium for a browser test module: its path. Where it is missing the module is
    skipped, except in CI, where tests/run.sh installs it and a skip would hide a missing install."""
    path = shutil.which("chromium")
    if not path:
        if os.environ.get("CI"):
            pytest.fail("CI needs Debian's chromium for the browser tests (tests/run.sh installs it)", pytrace=False)
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)", allow_module_level=True)
    return path


CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@contextlib.contextmanager
def serve(data_dir: Path, **settings: str):
    """A real streamlit server of the dashboard on data_dir (CRM_<NAME> settings as keywords): its URL."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "CRM_DATA_DIR": str(data_dir), **{f"CRM_{k.upper()}": v for k, v in settings.items()}}
    process = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.port", str(port),
                                "--server.address", "127.0.0.1", "--server.headless", "true"],
                               cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(url + "/_stcore/health", timeout=1)
                break
            except OSError:
                time.sleep(0.5)
        else:
            process.kill()
            pytest.fail("streamlit did not start: " + process.stdout.read().decode(errors="replace")[-2000:])
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)


# --- the app-state database: SQLite and a real PostgreSQL ---------------------------------------

@pytest.fixture(scope="session")
def postgres():
    """A PostgreSQL server for the session (tests/pgserver.py); in CI it must be there."""
    from pgserver import Server
    try:
        server = Server().start()
    except RuntimeError as error:
        if os.environ.get("CI"):
            pytest.fail(f"CI needs PostgreSQL for the app-state tests: {error}", pytrace=False)
        pytest.skip(str(error))
    yield server
    server.stop()


_databases = iter(range(1, 10_000))


@pytest.fixture(params=["sqlite", "postgresql"])
def appstate_url(request, tmp_path, monkeypatch) -> str:
    """An empty app-state database, once on SQLite and once on PostgreSQL, made the current one."""
    from crm import appstate
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'appstate.sqlite'}"
    else:
        url = request.getfixturevalue("postgres").create_database(f"test_{next(_databases)}")
    monkeypatch.setenv("CRM_APPSTATE_URL", url)
    yield url
    appstate.reset_engines()
