#!/usr/bin/env bash
# Run flake8-flask-deploy over a pinned corpus of real Flask sdists (see scripts/corpus.py, docs/real-world.md).
# Usage, from the repository root: PYTHON=/path/to/venv/bin/python bash scripts/corpus.sh [--only NAME,...]
# Exit status: 0 no crash, 1 a crash (traceback / internal error), 2 a download or unpack failure.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
export PYTHON
exec "$PYTHON" scripts/corpus.py "$@"
