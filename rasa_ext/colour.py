"""Rasa's colours only on a terminal: `python -m rasa_ext.colour <rasa command>` runs Rasa's own
command line (no patches) after `no_colour_off_terminal()`.

Rasa wraps its warnings and its printed messages in terminal colour codes whatever the output is;
piped into a file, a CI log or a test's message they arrive as `\\x1b[93m…\\x1b[0m`. Its log lines
(coloredlogs) already leave colour out off a terminal and with NO_COLOR (https://no-color.org).
"""
from __future__ import annotations

import os
import sys
from typing import Optional, Sequence, TextIO


def wants_colour(streams: Sequence[TextIO] = (sys.stdout, sys.stderr)) -> bool:
    """Whether every stream is a terminal and NO_COLOR is not set."""
    return "NO_COLOR" not in os.environ and all(getattr(s, "isatty", lambda: False)() for s in streams)


def _plain(*args: object, color: str) -> str:
    return " ".join(str(arg) for arg in args)


def no_colour_off_terminal() -> None:
    """Make Rasa's `wrap_with_color` (its warnings, `print_success`, `print_error`…) leave the
    colour out unless `wants_colour()`."""
    if not wants_colour():
        import rasa.shared.utils.io

        rasa.shared.utils.io.wrap_with_color = _plain


def main(argv: Optional[Sequence[str]] = None) -> None:
    """Rasa's command line with `argv` (default: this one's), colours only on a terminal."""
    no_colour_off_terminal()
    from rasa.__main__ import main as rasa_main

    sys.argv = ["rasa", *(sys.argv[1:] if argv is None else argv)]
    rasa_main()


if __name__ == "__main__":
    main()
