"""The Rasa server extensions applied at start-up: action responses still validated (each event
against its own type's schema), rules found as Rasa finds them, action calls on kept
connections, the loaded model frozen out of the garbage collector, and the SQLite tracker store
in write-ahead-logging mode."""
from __future__ import annotations

import gc
import json
import os
import random
import sqlite3
from pathlib import Path
from typing import Tuple

import pytest
from aiohttp import web
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from rasa.core.agent import Agent
from rasa.core.policies.rule_policy import RulePolicy
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.core.constants import SHOULD_NOT_BE_SET
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig
from sqlalchemy.engine import make_url

from rasa_ext.tracker_store import TrackerDataError, TunedSQLTrackerStore
from tests.auxil.stack import trained_model

DOMAIN = Domain.from_yaml("""
version: "3.1"
slots:
  complaint_id: {type: text, mappings: [{type: custom}]}
""")


def _action() -> RemoteAction:
    return RemoteAction("action_record_complaint", EndpointConfig("http://127.0.0.1:1/webhook"))


def test_a_well_formed_action_response_is_accepted() -> None:
    response = {"events": [{"event": "slot", "name": "complaint_id", "value": "TS-20261128-0001"}],
                "responses": [{"text": "已经为您登记好了"}]}
    assert _action()._validate_action_result(response) is True


@pytest.mark.parametrize("response", [
    {"events": "not a list"},
    {"events": [{"name": "an event without its type"}]},
    {"responses": "not a list"},
    {"events": [{"event": "slot", "value": "a slot event without the slot's name"}]},
    {"events": [{"event": "action", "name": "action_listen"}, {"event": "no_such_event"}]},
    {"events": [{"event": ["a", "list"]}]},
    {"events": [{"event": "user", "text": "你好", "timestamp": "not a number"}]},
    {"events": [{"event": "bot", "text": "好的"}, {"event": "active_loop", "metadata": "not an object"}]},
    {"events": [{"event": "entities", "entities": [{"start": "zero"}]}]},
    {"events": [{"event": "slot", "name": "complaint_id", "value": "x"}], "responses": [["not an object"]]},
])
def test_a_malformed_action_response_is_still_rejected_with_rasas_advice(response) -> None:
    with pytest.raises(ValidationError, match="Failed to validate Action server response"):
        _action()._validate_action_result(response)


async def test_the_sqlite_tracker_store_keeps_conversations_with_write_ahead_logging(tmp_path: Path) -> None:
    db = tmp_path / "tracker.db"
    tracker = DialogueStateTracker.from_events("customer-1", [
        UserUttered("我的耳机坏了", {"name": "complain_quality"}),
        SlotSet("complaint_id", "TS-20261128-0001"),
    ])
    await TunedSQLTrackerStore(DOMAIN, dialect="sqlite", db=str(db)).save(tracker)

    reloaded = await TunedSQLTrackerStore(DOMAIN, dialect="sqlite", db=str(db)).retrieve("customer-1")
    assert reloaded.get_slot("complaint_id") == "TS-20261128-0001"
    assert reloaded.latest_message.text == "我的耳机坏了"
    with sqlite3.connect(db) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)


async def test_the_sqlite_tracker_store_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    """Conversations hold phone numbers: the database and its WAL files are mode 0600."""
    old_umask = os.umask(0o022)
    try:
        store = TunedSQLTrackerStore(DOMAIN, dialect="sqlite", db=str(tmp_path / "tracker.db"))
        await store.save(DialogueStateTracker.from_events("customer-1", [UserUttered("电话13812345678")]))
    finally:
        os.umask(old_umask)
    files = {file.name: oct(file.stat().st_mode & 0o777) for file in tmp_path.iterdir()}
    assert {"tracker.db", "tracker.db-wal", "tracker.db-shm"} <= set(files)
    assert files == {name: "0o600" for name in files}


def test_rule_matching_finds_exactly_the_rules_whose_turns_match_the_latest_states(tmp_path: Path) -> None:
    """RulePolicy's rule lookup stops comparing once every rule is decided and compares a rule
    only after the action its last turn follows; what it finds is still every rule each of whose
    turns matches the conversation's state as far back (conversation starts included)."""
    policy = RulePolicy.create(RulePolicy.get_default_config(), LocalModelStorage(tmp_path),
                               Resource("rules"), ExecutionContext(GraphSchema({}), "test"))
    rng = random.Random(7)
    options = [{**({"prev_action": {"action_name": name}} if name else {}),
                **({"user": {"intent": intent}} if intent else {})}
               for name in ("action_listen", "utter_empathy", "complaint_form", SHOULD_NOT_BE_SET, None)
               for intent in (None, "complain", "affirm")]
    rules = {json.dumps([rng.choice(options) for _ in range(rng.randint(1, 5))]): f"action_{n}"
             for n in range(40)}
    matched = 0
    for _ in range(300):
        states = [rng.choice(options) for _ in range(rng.randint(0, 12))]
        expected = {key for key in rules if all(
            policy._is_rule_applicable(key, back, state) for back, state in enumerate(reversed(states)))}
        assert policy._get_possible_keys(rules, states) == expected
        matched += 0 < len(expected) < len(rules)
    assert matched > 100


@pytest.mark.outside_unit  # loads the trained model
def test_a_loaded_model_is_kept_out_of_full_garbage_collections() -> None:
    """A full collection walking the model paused every customer for a quarter second: once
    loaded, the model's objects are frozen; loading another releases the first."""
    agent = Agent()
    try:
        agent.load_model(str(trained_model()))
        frozen = gc.get_freeze_count()
        agent.load_model(str(trained_model()))
        assert frozen > 100_000
        assert gc.get_freeze_count() < 1.5 * frozen, "the first model was frozen for good"
    finally:
        gc.unfreeze()


async def _action_server(port: int, peers: list, bodies: list) -> Tuple[web.AppRunner, web.TCPSite]:
    """A stand-in action server on `port` answering every call with no events; notes each
    call's peer address and body."""
    async def webhook(request: web.Request) -> web.Response:
        peers.append(request.transport.get_extra_info("peername"))
        bodies.append(await request.read())
        return web.json_response({"events": [], "responses": []})

    app = web.Application()
    app.router.add_post("/webhook", webhook)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", port)
    await site.start()
    return runner, site


async def test_action_server_calls_reuse_one_connection_and_send_utf8_json(unused_tcp_port: int) -> None:
    """Rasa opened a new connection for every action call; the kept session reuses one, and
    still gets through after the server dropped it."""
    peers, bodies = [], []
    runner, site = await _action_server(unused_tcp_port, peers, bodies)
    try:
        endpoint = EndpointConfig(f"http://127.0.0.1:{unused_tcp_port}/webhook")
        for _ in range(3):
            assert await endpoint.request(json={"next_action": "action_empathize", "text": "太慢了"}) == \
                {"events": [], "responses": []}
        assert len(set(peers)) == 1, "one connection for all calls"
        assert "太慢了".encode() in bodies[0]
        await site.stop()
        site = web.TCPSite(runner, "127.0.0.1", unused_tcp_port)
        await site.start()
        assert await endpoint.request(json={"next_action": "action_empathize"}) is not None
    finally:
        await runner.cleanup()


async def test_an_action_call_carrying_a_lone_surrogate_reaches_the_action_server(unused_tcp_port: int) -> None:
    """Text Rasa accepted may hold a lone surrogate (stored before the channels repaired it, or
    sent through the HTTP API): UTF-8 cannot carry it, so that body goes out `\\u`-escaped."""
    bodies: list = []
    runner, _ = await _action_server(unused_tcp_port, [], bodies)
    try:
        endpoint = EndpointConfig(f"http://127.0.0.1:{unused_tcp_port}/webhook")
        call = {"next_action": "action_empathize", "tracker": {"latest_message": {"text": "太慢了\ud800"}}}
        assert await endpoint.request(json=call) == {"events": [], "responses": []}
        assert json.loads(bodies[0]) == call
    finally:
        await runner.cleanup()


def _tracker_store(kind: str, tmp_path: Path, request: pytest.FixtureRequest) -> TunedSQLTrackerStore:
    if kind == "sqlite":
        return TunedSQLTrackerStore(DOMAIN, dialect="sqlite", db=str(tmp_path / "tracker.db"))
    url = make_url(request.getfixturevalue("postgres_database_url"))
    return TunedSQLTrackerStore(DOMAIN, dialect="postgresql", host=url.host, port=url.port,
                                db=url.database, username=url.username, password=url.password)


@pytest.mark.parametrize("kind, unstorable", [("sqlite", "\ud800"), ("postgresql", "a\x00b")])
async def test_a_value_the_database_cannot_take_fails_one_save_and_the_process_goes_on(
        kind: str, unstorable: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    """Rasa's SQL store took any ValueError for a missing PostgreSQL schema and exited the
    process; a value the database refuses (SQLite: a lone surrogate, PostgreSQL: NUL) now fails
    only its own save."""
    store = _tracker_store(kind, tmp_path, request)
    with pytest.raises(TrackerDataError):
        await store.save(DialogueStateTracker.from_events(unstorable, [UserUttered("你好")]))
    await store.save(DialogueStateTracker.from_events("customer-1", [UserUttered("我的耳机坏了")]))
    assert (await store.retrieve("customer-1")).latest_message.text == "我的耳机坏了"


async def test_a_missing_postgresql_schema_still_stops_the_server(
        tmp_path: Path, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    store = _tracker_store("postgresql", tmp_path, request)
    monkeypatch.setenv("POSTGRESQL_SCHEMA", "no_such_schema")
    with pytest.raises(SystemExit):
        await store.save(DialogueStateTracker.from_events("customer-1", [UserUttered("你好")]))
