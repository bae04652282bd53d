"""`python -m rasa_ext run …` (or any other Rasa command and options): Rasa's own command line,
after checking Rasa's version and installing this project's changes to it (rasa_ext/patches.py),
so the server is the same whatever endpoints.yml names."""
from __future__ import annotations

import logging
import sys
from typing import Optional, Sequence


def main(argv: Optional[Sequence[str]] = None) -> None:
    """Install the patches, then run Rasa's command line with `argv` (default: this one's)."""
    from rasa_ext.colour import no_colour_off_terminal
    from rasa_ext.patches import install

    # What is installed is logged before Rasa sets up its logging (which replaces this handler).
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)-8s %(name)s  - %(message)s")
    install()
    no_colour_off_terminal()
    from rasa.__main__ import main as rasa_main

    sys.argv = ["rasa", *(sys.argv[1:] if argv is None else argv)]
    rasa_main()


if __name__ == "__main__":
    main()
