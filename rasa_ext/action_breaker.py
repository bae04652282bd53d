"""Action server calls that fail fast while the action server is down or stalled.

Rasa waits up to 300 s for a custom action, but holds a conversation's lock for only 60 s
(`TICKET_LOCK_LIFETIME`): behind a stalled action server a second message of the conversation
ran alongside the first, and every customer waited for the stalled turns. Here:

- each call has a timeout, `timeout` in endpoints.yml's `action_endpoint` (default 10 s), never
  more than half the lock's lifetime, so a turn ends (and releases its lock) while it still owns it;
- a circuit breaker per action server URL: after a call could not connect or timed out, calls
  fail at once for `circuit_open_seconds` (default 10 s); then one call is let through as a
  trial, and its success closes the circuit. A failed call raises as Rasa's own failures do, so
  the channel guard apologises and keeps the message (channels/guard.py).
"""
from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from typing import Any, Dict, List, Optional

import aiohttp
from rasa.core.actions.action import RemoteAction
from rasa.core.lock_store import LOCK_LIFETIME
from rasa.shared.core.events import Event
from rasa.shared.exceptions import RasaException
from rasa.utils.endpoints import EndpointConfig

from rasa_ext.originals import rasa_original

logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT_S = 10.0
DEFAULT_OPEN_S = 10.0


class ActionServerUnavailable(RasaException):
    """The action server is known to be down: the call was not made."""


@dataclass
class CircuitBreaker:
    """Closed (calls go through), open (calls fail at once) until `retry_at`, then half-open:
    one trial call at a time."""

    open_seconds: float
    retry_at: Optional[float] = None
    trial_running: bool = False

    def allows_call(self, now: float) -> bool:
        """Whether a call may be made now; a call allowed after the open period is the trial."""
        if self.retry_at is None:
            return True
        if now < self.retry_at or self.trial_running:
            return False
        self.trial_running = True
        return True

    def record_success(self) -> None:
        self.retry_at, self.trial_running = None, False

    def record_failure(self, now: float) -> None:
        self.retry_at, self.trial_running = now + self.open_seconds, False

    def record_abandoned(self) -> None:
        """A call ended without telling (cancelled): a later call may be the trial."""
        self.trial_running = False


_breakers: Dict[str, CircuitBreaker] = {}


def call_timeout(endpoint: EndpointConfig) -> float:
    """The endpoint's `timeout`, at most half the conversation lock's lifetime."""
    return min(float(endpoint.kwargs.get("timeout", DEFAULT_TIMEOUT_S)), LOCK_LIFETIME / 2)


def breaker_for(endpoint: EndpointConfig) -> CircuitBreaker:
    """This process's circuit breaker for the endpoint's URL."""
    url = endpoint.url or ""
    if url not in _breakers:
        if call_timeout(endpoint) < float(endpoint.kwargs.get("timeout", DEFAULT_TIMEOUT_S)):
            logger.warning("action_endpoint timeout %s s is more than half the conversation lock's "
                           "lifetime (%s s): %g s is used", endpoint.kwargs["timeout"], LOCK_LIFETIME,
                           call_timeout(endpoint))
        _breakers[url] = CircuitBreaker(float(endpoint.kwargs.get("circuit_open_seconds", DEFAULT_OPEN_S)))
    return _breakers[url]


def _is_outage(error: BaseException) -> bool:
    """The action server could not be reached or did not answer in time (an action that
    answered with an error is a broken action, not an outage)."""
    seen: Optional[BaseException] = error
    while seen is not None:
        if isinstance(seen, (aiohttp.ClientConnectionError, asyncio.TimeoutError)):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


async def _run(self: RemoteAction, output_channel: Any, nlg: Any, tracker: Any, domain: Any) -> List[Event]:
    endpoint = self.action_endpoint
    if endpoint is None:
        return await rasa_original(RemoteAction, "run")(self, output_channel, nlg, tracker, domain)
    breaker = breaker_for(endpoint)
    if not breaker.allows_call(time.monotonic()):
        raise ActionServerUnavailable(
            f"Failed to execute custom action '{self.name()}': the action server at {endpoint.url} "
            f"is down (circuit open), not called")
    timeout = call_timeout(endpoint)
    try:
        rasa_run = rasa_original(RemoteAction, "run")
        events = await asyncio.wait_for(rasa_run(self, output_channel, nlg, tracker, domain), timeout)
    except asyncio.TimeoutError as error:
        breaker.record_failure(time.monotonic())
        raise ActionServerUnavailable(
            f"Failed to execute custom action '{self.name()}': no answer from {endpoint.url} "
            f"within {timeout:g} s") from error
    except asyncio.CancelledError:
        breaker.record_abandoned()
        raise
    except Exception as error:
        if _is_outage(error):
            breaker.record_failure(time.monotonic())
        else:
            breaker.record_success()
        raise
    breaker.record_success()
    return events

