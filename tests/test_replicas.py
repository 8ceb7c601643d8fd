"""Two replicas behind nginx (deploy/nginx.conf, sticky by client address) on one PostgreSQL and
one warehouse: a note written through one replica is seen through the other and through the proxy,
and a new warehouse build is seen by both. Needs Debian's nginx, postgresql and chromium (tests/run.sh
installs them as root)."""
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import CHROMIUM_ARGS, ROOT
from pgserver import free_port

CHROMIUM, NGINX = shutil.which("chromium"), shutil.which("nginx") or "/usr/sbin/nginx"
if not CHROMIUM or not Path(NGINX).exists():
    if os.environ.get("CI"):
        pytest.fail("CI needs Debian's chromium and nginx for the replica test (tests/run.sh installs them)",
                    pytrace=False)
    pytest.skip("chromium or nginx is not installed", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect


def wait_healthy(url: str, process: subprocess.Popen, what: str) -> None:
    for _ in range(240):
        try:
            if urllib.request.urlopen(url + "/_stcore/health", timeout=1).status == 200:
                return
        except OSError:
            time.sleep(0.5)
        if process.poll() is not None:
            break
    process.kill()
    pytest.fail(f"{what} did not start: " + (process.stdout.read().decode(errors="replace")[-2000:]
                                             if process.stdout else ""))


def proxy_config(folder: Path, port: int, replicas: list[int]) -> Path:
    """deploy/nginx.conf with the test's ports and log paths (the upstream, headers and stickiness unchanged)."""
    text = (ROOT / "deploy" / "nginx.conf").read_text()
    servers = "".join(f"        server 127.0.0.1:{p} max_fails=3 fail_timeout=10s;\n" for p in replicas)
    text, count = re.subn(r"(        server 127\.0\.0\.1:\d+[^\n]*\n)+", servers, text)
    assert count == 1
    text = text.replace("listen 80;", f"listen 127.0.0.1:{port};")
    text = text.replace("/var/log/nginx/", f"{folder}/")
    path = folder / "nginx.conf"
    path.write_text(text)
    return path


@pytest.fixture(scope="module")
def cluster(postgres, tmp_path_factory):
    from crm import demo
    folder = tmp_path_factory.mktemp("replicas")
    data_dir = folder / "data"
    demo.build(data_dir, customers=300, seed=7)
    env = {**os.environ, "CRM_DATA_DIR": str(data_dir), "CRM_APPSTATE_URL": postgres.create_database("replicas")}
    processes, urls = [], []
    for number in range(2):
        port = free_port(range(8700 + 50 * number, 8750 + 50 * number))
        processes.append(subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.port", str(port),
             "--server.address", "127.0.0.1", "--server.headless", "true"],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT))
        urls.append(f"http://127.0.0.1:{port}")
    for url, process in zip(urls, processes):
        wait_healthy(url, process, "a replica")
    proxy_port = free_port(range(8650, 8700))
    config = proxy_config(folder, proxy_port, [int(u.rsplit(":", 1)[1]) for u in urls])
    proxy = subprocess.Popen([NGINX, "-c", str(config), "-g", f"daemon off; pid {folder}/nginx.pid;"],
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    wait_healthy(f"http://127.0.0.1:{proxy_port}", proxy, "nginx")
    yield {"replicas": urls, "proxy": f"http://127.0.0.1:{proxy_port}", "data_dir": data_dir}
    for process in [proxy, *processes]:
        process.terminate()
    for process in [proxy, *processes]:
        process.wait(timeout=20)


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def open_page(browser, url):
    page = browser.new_page(viewport={"width": 1440, "height": 1600})
    page.goto(url)
    page.get_by_text("data as of").first.wait_for(timeout=90_000)
    page.wait_for_load_state("networkidle")
    return page


def notes_of(page, kpi_label: str):
    """Open the Notes popover of a KPI row; returns the popover's body."""
    row = page.locator("[data-testid='stHorizontalBlock']").filter(
        has=page.get_by_role("link", name=kpi_label, exact=True)).last
    row.get_by_role("button", name="Notes").click()
    body = page.locator("[data-testid='stPopoverBody']").last
    body.wait_for(timeout=30_000)
    return body


def test_the_proxy_answers_the_health_check(cluster):
    with urllib.request.urlopen(cluster["proxy"] + "/_stcore/health", timeout=5) as response:
        assert response.status == 200 and response.read() == b"ok"


def test_a_note_written_through_one_replica_is_seen_through_the_other(cluster, browser):
    first, second = cluster["replicas"]
    text = f"Written on the first replica at {time.time():.0f}"
    page = open_page(browser, f"{first}/Scorecard")
    body = notes_of(page, "ARPA")
    body.get_by_label("What happened, and what is being done?").fill(text)
    body.get_by_role("button", name="Save the note").click()
    page.get_by_text("Note saved.").wait_for(timeout=30_000)
    page.close()
    for url in (second, cluster["proxy"]):  # the other replica, and whichever the proxy picks
        page = open_page(browser, f"{url}/Scorecard")
        expect(notes_of(page, "ARPA").get_by_text(text)).to_be_visible(timeout=30_000)
        assert page.locator("[data-testid='stException']").count() == 0
        page.close()


def first_tile(browser, url: str, expected: str | None = None) -> str:
    """The first KPI tile's value on a fresh page; with `expected`, wait up to 30 s for it (a page
    drawn while the previous run's elements are still on screen must not be read too early)."""
    page = open_page(browser, url)
    tile = page.locator("[data-testid='stMetricValue']").first
    if expected is not None:
        expect(tile).to_have_text(expected, timeout=30_000)
    value = tile.inner_text()
    page.close()
    return value


def test_a_new_warehouse_build_is_seen_by_both_replicas(cluster, browser):
    from crm import demo
    first, second = cluster["replicas"]
    before = first_tile(browser, first)
    assert first_tile(browser, second, before) == before
    demo.build(cluster["data_dir"], customers=600, seed=8)  # a new version, swapped in by its pointer file
    after = first_tile(browser, first)
    assert after != before
    assert first_tile(browser, second, after) == after
    assert first_tile(browser, cluster["proxy"], after) == after
