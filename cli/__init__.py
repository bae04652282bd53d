"""The command line (an adapter, like the console and the worker): `python -m bot <command>`.

`commands` holds every command; `python -m cli` and `python -m bot` (the documented name, kept for
scripts, deploy files and cron lines) both run it.
"""
