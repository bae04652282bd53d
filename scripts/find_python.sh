#!/usr/bin/env bash
# Print the path of a Python 3.10 interpreter: $PYTHON, python3.10 on PATH, or pyenv's 3.10.13.
for py in "${PYTHON:-}" "$(command -v python3.10 || true)" /root/.pyenv/versions/3.10.13/bin/python3.10; do
  if [ -n "$py" ] && [ -x "$py" ] && "$py" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))' 2>/dev/null; then
    echo "$py"; exit 0
  fi
done
echo "error: no Python 3.10 found (Rasa 3.6 needs Python 3.8-3.10)." >&2
echo "       Install Python 3.10, or set PYTHON=/path/to/python3.10 and run this again." >&2
exit 1
