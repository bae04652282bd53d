"""`python -m actions [--host HOST] [--port PORT]`: the action server, on loopback by default.

`rasa run actions` listens on every interface (0.0.0.0) and has no authentication: anyone who
reaches it can run actions for any conversation. Here it listens on `ACTION_HOST` (default
127.0.0.1) and `ACTION_PORT` (default 5055); the scale-out setup puts it on an internal network
(deploy/README.md). Other options are rasa-sdk's (`--help`). It refuses to start while a file
designers edit has a mistake (bot/config_check.py).
"""
from __future__ import annotations

import os
import sys
from typing import Optional, Sequence

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = "5055"


def main(argv: Optional[Sequence[str]] = None) -> None:
    """Serve this package's actions with rasa-sdk's server, bound to the chosen address."""
    from rasa_sdk.__main__ import main_from_args
    from rasa_sdk.endpoint import create_argument_parser

    from bot.config_check import require_valid_config

    parser = create_argument_parser()
    parser.prog = "python -m actions"
    parser.add_argument("--host", default=os.environ.get("ACTION_HOST") or DEFAULT_HOST,
                        help=f"address to listen on (default ACTION_HOST or {DEFAULT_HOST})")
    parser.set_defaults(actions="actions", port=int(os.environ.get("ACTION_PORT") or DEFAULT_PORT))
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    require_valid_config()
    os.environ["SANIC_HOST"] = args.host  # rasa-sdk's only way to choose the address
    main_from_args(args)


if __name__ == "__main__":
    main()
