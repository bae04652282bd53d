"""Requests the console refuses: each error carries the sentence the agent reads and the HTTP
status to answer with (the app renders them as JSON for the API, as a page otherwise)."""
from __future__ import annotations


class ConsoleError(Exception):
    """A request the console cannot carry out; `message` is for the agent."""

    status = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class LoginRequired(ConsoleError):
    status = 401


class Forbidden(ConsoleError):
    """Logged in, but the request lacks its CSRF token, or the agent's role does not allow it
    (`bot.roles`)."""

    status = 403


class TooManyAttempts(ConsoleError):
    """Too many wrong passwords for this username from this address: wait."""

    status = 429


class NotFound(ConsoleError):
    status = 404


class Conflict(ConsoleError):
    """The case is not in a state (or not the agent's) that allows this."""

    status = 409


class RasaUnavailable(ConsoleError):
    """The Rasa server could not be reached or refused the request."""

    status = 502
