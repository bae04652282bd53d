"""`python -m bot <command>`: the documented name of the command line, which lives in `cli`.

Only Python runs this file (nothing imports it), so the core's import rules do not apply to it.
"""
import sys

from cli.commands import main

sys.exit(main())
