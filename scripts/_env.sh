# Shared by scripts/main.sh and scripts/test.sh: create .venv and install rvanalytics into it.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PYTHON="${PYTHON:-python3}"
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  echo "error: rvanalytics needs Python >= 3.11 (found $("$PYTHON" --version 2>&1)). Fix: set PYTHON=/path/to/python3.11" >&2
  exit 1
fi
if [ ! -x .venv/bin/python ]; then
  echo "==> creating .venv"
  "$PYTHON" -m venv .venv
fi
EXTRAS="${1:-}"
STAMP=".venv/.installed${EXTRAS:+-$EXTRAS}"
if [ ! -f "$STAMP" ] || [ pyproject.toml -nt "$STAMP" ]; then
  echo "==> installing rvanalytics${EXTRAS:+[$EXTRAS]} into .venv"
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -e ".${EXTRAS:+[$EXTRAS]}"
  touch "$STAMP"
fi
# Register the project's kernel inside the venv so papermill and JupyterLab find it.
.venv/bin/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (rvanalytics)" >/dev/null
export PATH="$ROOT/.venv/bin:$PATH"
