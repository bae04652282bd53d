"""The Rasa server's HTTP API, as the agent console and the job worker use it.

Messages to a customer go out through the customer's own channel (`output_channel=latest`), also
while the conversation is paused for an agent.

The token never travels: Rasa reads its `--auth-token` only from the query string, which proxies
and access logs record, so each request carries instead a short-lived JWT signed with the token
in its `Authorization` header, which Rasa accepts when started with `--jwt-secret` set to the
same token (scripts/run.sh, scripts/scale_out.sh, deploy/docker-compose.yml).
"""
from __future__ import annotations

import time
from typing import Any, Dict, Generator, List, Mapping, Optional

import httpx
import jwt

#: Lifetime of a request's JWT: long enough for clock skew between hosts, too short to reuse.
JWT_LIFETIME_S = 300


def rasa_jwt(token: str) -> str:
    """A JWT Rasa's `requires_auth` accepts as an administrator's, signed with `token` (HS256)."""
    issued = int(time.time())
    return jwt.encode({"user": {"username": "complaint-assistant", "role": "admin"},
                       "iat": issued, "exp": issued + JWT_LIFETIME_S}, token, algorithm="HS256")


class _RasaAuth(httpx.Auth):
    """`Authorization: Bearer <JWT>`, signed afresh for each request."""

    def __init__(self, token: str) -> None:
        self._token = token

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = f"Bearer {rasa_jwt(self._token)}"
        yield request


class RasaError(RuntimeError):
    """The Rasa server refused a request or could not be reached."""


class RasaApi:
    """An async client of one Rasa server (`--enable-api --jwt-secret <token>`)."""

    def __init__(self, base_url: str, token: Optional[str], timeout: float = 30.0,
                 transport: Optional[httpx.AsyncBaseTransport] = None) -> None:
        self.base_url = base_url.rstrip("/")
        self._client = httpx.AsyncClient(base_url=self.base_url, timeout=timeout,
                                         auth=_RasaAuth(token) if token else None,
                                         transport=transport)

    async def close(self) -> None:
        await self._client.aclose()

    async def _request(self, method: str, path: str, **kwargs: Any) -> Dict[str, Any]:
        """The JSON object Rasa answers (empty for an empty body); RasaError otherwise."""
        try:
            response = await self._client.request(method, path, **kwargs)
        except httpx.HTTPError as exc:
            raise RasaError(f"Rasa server at {self.base_url} not reachable: {exc}") from exc
        if response.status_code >= 400:
            raise RasaError(f"Rasa {method} {path} answered {response.status_code}: {response.text[:300]}")
        if not response.content:
            return {}
        body = response.json()
        if not isinstance(body, dict):
            raise RasaError(f"Rasa {method} {path} answered {type(body).__name__}, not a JSON object")
        return body

    async def tracker(self, conversation_id: str) -> Dict[str, Any]:
        """The conversation's tracker (all events)."""
        return await self._request("GET", f"/conversations/{conversation_id}/tracker",
                                   params={"include_events": "ALL"})

    async def append_events(self, conversation_id: str, events: List[Mapping[str, Any]],
                            deliver: bool = False) -> Dict[str, Any]:
        """Add events to the conversation; with `deliver`, bot messages among them are sent to
        the customer through the channel they last wrote from."""
        params = {"output_channel": "latest", "execute_side_effects": "true"} if deliver else {}
        return await self._request("POST", f"/conversations/{conversation_id}/tracker/events",
                                   json=list(events), params=params)

    async def send_text(self, conversation_id: str, text: str,
                        metadata: Optional[Mapping[str, Any]] = None) -> None:
        """Send `text` to the customer as the assistant's side of the conversation."""
        await self.append_events(
            conversation_id, [{"event": "bot", "text": text, "metadata": dict(metadata or {})}],
            deliver=True)

    async def resume(self, conversation_id: str, slots: Optional[Mapping[str, Any]] = None) -> None:
        """Give the conversation back to the assistant, listening, with `slots` set: a
        conversation paused by an action never ran `action_listen`, and without it the next
        message (or triggered intent) would be predicted as if that action had just run."""
        await self.append_events(conversation_id, [
            {"event": "resume"},
            *({"event": "slot", "name": name, "value": value} for name, value in (slots or {}).items()),
            {"event": "action", "name": "action_listen"}])

    async def trigger_intent(self, conversation_id: str, intent: str,
                             entities: Optional[Mapping[str, Any]] = None) -> Dict[str, Any]:
        """Make the assistant act as if the customer had said `intent`; replies go to the
        customer's channel."""
        return await self._request(
            "POST", f"/conversations/{conversation_id}/trigger_intent",
            json={"name": intent, "entities": dict(entities or {})},
            params={"output_channel": "latest"})
