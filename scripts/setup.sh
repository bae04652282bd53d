#!/usr/bin/env bash
# Idempotent setup: a Python 3.10 virtualenv in .venv with the pinned packages, a CJK font
# (fonts-noto-cjk), and the Debian packages the test suite (--test: chromium, nginx) or the
# scale-out setup (--scale: nginx) needs.
# Safe to run again: it only does what is missing or out of date.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

with_tests=false with_scale=false
case "${1:-}" in
  --test) with_tests=true with_scale=true ;;
  --scale) with_scale=true ;;
esac

lock_hash=$(sha256sum requirements.lock | cut -d' ' -f1)
stamp=.venv/.requirements.sha256
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$lock_hash" ] && [ -x .venv/bin/rasa ]; then
  step "Python environment is up to date (.venv)"
else
  PY=$(bash scripts/find_python.sh)
  step "Creating .venv with $PY ($("$PY" --version))"
  [ -x .venv/bin/python ] || "$PY" -m venv .venv
  step "Installing pinned packages from requirements.lock (first time: about 2 minutes)"
  .venv/bin/python -m pip install --upgrade --quiet pip==24.2
  .venv/bin/python -m pip install --progress-bar on -r requirements.lock
  .venv/bin/python -m pip check
  echo "$lock_hash" > "$stamp"
fi

# Checks that a Debian package's work is already there.
has_program() { command -v "$1" >/dev/null || [ -x "/usr/sbin/$1" ]; }  # /usr/sbin: often not on a user's PATH
has_cjk_font() { [ -n "$(fc-list :lang=zh family 2>/dev/null)" ]; }  # no `| grep -q`: SIGPIPE under pipefail

# Install Debian's package $1 (for $2) unless the check that follows ($3...) succeeds.
apt_install() {
  local package=$1 purpose=$2
  shift 2
  "$@" && return
  step "Installing Debian's $package for $purpose"
  local sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -q "$package"
}
# Chinese glyphs for the report chart (console/report_output.py) and the browser tests'
# screenshots. The tests need it; the assistant runs without it (the chart shows codes).
if ! apt_install fonts-noto-cjk "Chinese text in the report chart and in Chromium" has_cjk_font; then
  $with_tests && { echo "could not install fonts-noto-cjk: the chart and browser tests need it" >&2; exit 1; }
  echo "warning: no CJK font installed (apt-get install fonts-noto-cjk): the report chart shows codes" >&2
fi
if $with_tests; then apt_install chromium "the browser tests" has_program chromium; fi
if $with_scale; then apt_install nginx "the scale-out setup (scripts/scale_out.sh)" has_program nginx; fi

mkdir -p var models
step "Setup complete"
