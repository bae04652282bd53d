"""Agents' passwords: how long they must be and how they are hashed (scrypt). The accounts and
console sessions are kept by `bot.storage.AgentAccounts`.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from functools import lru_cache

MIN_PASSWORD_LENGTH = 10
SCRYPT_PARAMETERS = {"n": 2 ** 17, "r": 8, "p": 1}
"""OWASP's current scrypt parameters (Password Storage Cheat Sheet): 128 MiB and about half a
second per hash here. Stored hashes carry their own; older ones are rehashed at the next login."""


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    # scrypt needs 128·r·n bytes; hashlib's default limit (32 MiB) would refuse n = 2**17.
    return hashlib.scrypt(password.encode(), salt=salt, n=n, r=r, p=p, maxmem=2 * 128 * r * n + 2 ** 20)


def hash_password(password: str) -> str:
    """A salted scrypt hash of `password`, as `scrypt$n$r$p$salt$hash` (hex)."""
    salt = secrets.token_bytes(16)
    digest = _scrypt(password, salt, **SCRYPT_PARAMETERS)
    n, r, p = SCRYPT_PARAMETERS.values()
    return f"scrypt${n}${r}${p}${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str) -> bool:
    """True when `password` matches a `hash_password` result (constant-time comparison)."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        candidate = _scrypt(password, bytes.fromhex(salt), int(n), int(r), int(p))
    except ValueError:
        return False
    return hmac.compare_digest(candidate.hex(), digest)


def needs_rehash(stored: str) -> bool:
    """True when `stored` was hashed with other parameters than `SCRYPT_PARAMETERS`."""
    n, r, p = SCRYPT_PARAMETERS.values()
    return not stored.startswith(f"scrypt${n}${r}${p}$")


def require_long_enough(password: str) -> None:
    """Raise `ValueError` for a password shorter than `MIN_PASSWORD_LENGTH`."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(f"the password needs at least {MIN_PASSWORD_LENGTH} characters")


def verify_nobody(password: str) -> None:
    """Take as long as `verify_password` does, matching no one: a wrong name then costs what a
    wrong password costs."""
    verify_password(password, _unknown_user_hash())


@lru_cache(maxsize=1)
def _unknown_user_hash() -> str:
    """A hash of no one's password (made on first use: importing this module stays cheap)."""
    return hash_password(secrets.token_urlsafe(16))
