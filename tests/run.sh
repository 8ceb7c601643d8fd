#!/usr/bin/env bash
# The whole test suite on a fresh machine, in one command: Debian's chromium, postgresql and
# nginx, and Java 17 for the Spark tests, a virtualenv with the pinned packages, then pytest
# (extra arguments go to pytest).
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages the tests need: chromium (browser tests), postgresql (the app-state database
# on PostgreSQL; the suite starts its own server), nginx (the two-replica test) and Java 17 (the
# Spark build tests).
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v java >/dev/null 2>&1 || missing+=(openjdk-17-jre-headless)
ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || command -v pg_ctl >/dev/null 2>&1 || missing+=(postgresql)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "installing Debian's ${missing[*]} for the tests…" >&2
    # Install only: a policy-rc.d that says no keeps the packages from starting system-wide
    # PostgreSQL and nginx services (port 80); the tests start their own on free loopback ports.
    policy=/usr/sbin/policy-rc.d added_policy=""
    if [ ! -e "$policy" ]; then
      printf '#!/bin/sh\nexit 101\n' > "$policy" && chmod +x "$policy" && added_policy=1
      trap 'rm -f "$policy"' EXIT  # also when apt-get fails
    fi
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}") >/dev/null
    if [ -n "$added_policy" ]; then rm -f "$policy"; trap - EXIT; fi  # exec below skips EXIT traps
  else
    echo "note: missing ${missing[*]}; run 'sudo apt-get install ${missing[*]}' or those tests are skipped" >&2
  fi
fi

VENV="${CRM_VENV:-.venv}"
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
"$VENV/bin/python" -m pip install -q --disable-pip-version-check -r tests/requirements.txt
exec "$VENV/bin/python" -m pytest "$@"
