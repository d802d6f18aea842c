#!/usr/bin/env bash
# Set up .venv, build the data store, and produce the per-city reports of the configured cohort.
# Without network the recorded data in ../shared/data is used.
set -euo pipefail
source "$(dirname "$0")/_env.sh" ""
JOBS="${JOBS:-2}"
echo "==> building the data store"
rvanalytics data build
echo "==> producing the cohort reports (jobs=$JOBS)"
rvanalytics report --cohort "${COHORT:-large-cities}" --jobs "$JOBS" --out reports
echo "==> done: open reports/index.html"
