"""Files holding personal data or secrets are readable and writable by their owner only (0600)."""
from __future__ import annotations

import logging
import os
import stat
from pathlib import Path
from typing import Union

logger = logging.getLogger(__name__)

#: The files SQLite keeps beside a database; it creates them with the database file's mode.
SQLITE_COMPANIONS = ("-wal", "-shm", "-journal")


def private_sqlite_file(database: Union[str, Path]) -> None:
    """Create the SQLite database file `database` (and its directory) with mode 0600 if it is
    missing, and take group's and others' rights from it and its companion files if not."""
    path = Path(database)
    path.parent.mkdir(parents=True, exist_ok=True)
    os.close(os.open(path, os.O_CREAT | os.O_RDONLY, 0o600))  # an empty file is a new database to SQLite
    for file in (path, *(Path(f"{path}{suffix}") for suffix in SQLITE_COMPANIONS)):
        try:
            if stat.S_IMODE(file.stat().st_mode) & 0o077:
                file.chmod(0o600)
        except FileNotFoundError:
            continue
        except PermissionError:
            logger.warning("%s is readable by other users and not ours to change: chmod 600 it", file)
