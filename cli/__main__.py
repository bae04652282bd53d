"""`python -m cli <command>`: the command line (see `cli.commands`)."""
import sys

from cli.commands import main

sys.exit(main())
