#!/usr/bin/env bash
# Set up .venv with the dev tools and run the test suite (offline, on ../shared/data).
set -euo pipefail
source "$(dirname "$0")/_env.sh" "dev"
# Headless Chromium renders the HTML reports in the page tests.
if ! command -v chromium >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = "0" ]; then
  echo "==> installing chromium for the page-rendering tests"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
    || echo "warning: chromium could not be installed; page-rendering tests will be skipped" >&2
fi
exec .venv/bin/python -m pytest -n "${PYTEST_WORKERS:-2}" "$@"
