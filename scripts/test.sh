#!/usr/bin/env bash
# Set up (including the browser the web tests drive) and run the whole test suite.
# Extra arguments go to pytest, e.g. `scripts/test.sh tests/bot -x`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
source scripts/env.sh
echo "==> Checking the model"
python scripts/train_if_changed.py > /dev/null
echo "==> Running the tests"
python -m pytest "$@"
