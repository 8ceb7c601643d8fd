#!/usr/bin/env bash
# The whole test suite on a fresh machine, in one command: Debian's chromium for the browser
# test, Debian's Java 17 for the Spark tests, a virtualenv with the pinned packages, then pytest (extra arguments go to pytest).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    echo "installing Debian's chromium for the browser test…" >&2
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null
  else
    echo "note: no chromium; run 'sudo apt-get install chromium' or the browser test is skipped" >&2
  fi
fi

if ! command -v java >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    echo "installing Debian's Java 17 for the Spark build tests…" >&2
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless) >/dev/null
  else
    echo "note: no java; run 'sudo apt-get install openjdk-17-jre-headless' or the Spark tests are skipped" >&2
  fi
fi

VENV="${CRM_VENV:-.venv}"
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
"$VENV/bin/python" -m pip install -q --disable-pip-version-check -r tests/requirements.txt
exec "$VENV/bin/python" -m pytest "$@"
