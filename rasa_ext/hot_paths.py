"""Six of Rasa's per-turn hot paths, made cheap without changing what they do.

Profiling the server under load (py-spy, README "Performance") showed six pieces of Rasa 3.6
doing more work than needed on every call:

- `RemoteAction._validate_action_result` calls `jsonschema.validate`, which re-checks the schema
  itself against its meta-schema each time: about 30 ms per custom action call, most of a turn.
  Here the schema is checked once, and each event of a response is checked against the one
  event schema its `event` names (Rasa's schema says "exactly one of" 23 event schemas, each
  for one `event` value, so the others cannot match: checking all of them was a millisecond a
  call); a response that fails is validated again with the whole schema and rejected with
  Rasa's own message.
- `Event.resolve_by_type`, run for every event of a conversation each time a tracker is loaded,
  walks all subclasses of `Event` to find the one with a type name: a sixteenth of a turn.
  Here the names are looked up in a table, rebuilt whenever a name is not in it (a subclass
  defined later is still found; unknown names fail as before).
- `DaskGraphRunner.run` (the NLU pipeline and the policies, several times a turn) works out the
  part of the graph its targets need anew on each run, evaluates it with dask's threaded-pool
  machinery in a single thread, and formats its inputs (the whole tracker) into a debug message
  even when debug logging is off. Here each target list's part is worked out once, and evaluated
  by dask's plain recursive `dask.core.get`, in the same order, in the calling thread.
- `EndpointConfig.session` (every action server call) opens a new client session, so a new
  connection, for each request, and encodes the request, the whole tracker, with the standard
  library's `json`. Here each event loop keeps one client session per endpoint settings, its
  connections reused (and closed after 4 idle seconds, before Sanic's 5-second keep-alive
  timeout could close one under a request), and bodies are encoded with `ujson` (one of
  Rasa's own requirements), about four times as fast, UTF-8 instead of `\\u` escapes (except
  for a body holding a lone surrogate, which UTF-8 cannot carry: escaped as the standard
  library's `json` does).
- `RulePolicy._get_possible_keys` (several times a prediction) compares every rule with every
  state of the conversation, back to its start, though a rule of n turns is decided by the last
  n states. Here the comparison stops once the remaining rules are all decided, and a rule whose
  last turn names the action before it is compared only when that was the latest action.
- `Domain.states_for_tracker_history` replays the whole conversation from its start to build the
  state before each action, and each prediction asks for it three times (MemoizationPolicy once,
  RulePolicy twice) with nothing changed in between. Here the replay's states are kept for the
  latest conversation asked about, while its events are the same; each call builds its own
  copies from them, as Rasa's does.
"""
from __future__ import annotations

import atexit
import re
import weakref
from functools import lru_cache
from typing import Any, Dict, List, NamedTuple, Optional, Sequence, Set, Text, Tuple, Type

import aiohttp
import dask.core
import ujson
from jsonschema import ValidationError, validators
from rasa.core.actions.action import RemoteAction
from rasa.core.policies.rule_policy import RulePolicy
from rasa.engine.exceptions import GraphRunError
from rasa.engine.runner.dask import DaskGraphRunner
from rasa.shared.constants import DOCS_BASE_URL
from rasa.shared.core.constants import PREVIOUS_ACTION, SHOULD_NOT_BE_SET
from rasa.shared.core.domain import Domain, State
from rasa.shared.core.events import Event
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import ACTION_NAME
from rasa.shared.utils.common import all_subclasses
from rasa.utils.endpoints import DEFAULT_REQUEST_TIMEOUT, EndpointConfig

from rasa_ext.loop_local import Registry, loop_local
from rasa_ext.originals import rasa_original

_events_by_type: Dict[Text, Type[Event]] = {}


@lru_cache(maxsize=1)
def _validators() -> Tuple[Any, Any, Dict[Text, Any]]:
    """The whole response schema's validator; one for the response without its events' details;
    one per event type for an event of that type."""
    schema = RemoteAction.action_response_format_spec()
    validator_class = validators.validator_for(schema)
    validator_class.check_schema(schema)
    events = schema["properties"]["events"]
    event = {key: value for key, value in events["items"].items() if key != "oneOf"}
    outline = {**schema, "properties": {**schema["properties"], "events": {"type": events["type"]}}}
    by_type = {option["properties"]["event"]["const"]: validator_class({**event, "allOf": [option]})
               for option in events["items"]["oneOf"]}
    return validator_class(schema), validator_class(outline), by_type


def _is_valid_response(result: Any) -> bool:
    _, outline, by_type = _validators()
    if not outline.is_valid(result):
        return False
    for event in result.get("events") or ():
        name = event.get("event") if isinstance(event, dict) else None
        validator = by_type.get(name) if isinstance(name, str) else None
        if validator is None or not validator.is_valid(event):
            return False
    return True


def _validate_action_result(self: RemoteAction, result: Dict[Text, Any]) -> bool:
    if _is_valid_response(result):
        return True
    try:
        _validators()[0].validate(result)
        return True
    except ValidationError as e:
        e.message += (
            f". Failed to validate Action server response from API, "
            f"make sure your response from the Action endpoint is valid. "
            f"For more information about the format visit "
            f"{DOCS_BASE_URL}/custom-actions"
        )
        raise e


@staticmethod
def _resolve_by_type(type_name: Text, default: Optional[Type[Event]] = None) -> Optional[Type[Event]]:
    if type_name not in _events_by_type:
        _events_by_type.update((cls.type_name, cls) for cls in reversed(all_subclasses(Event)))
    found = _events_by_type.get(type_name)
    return found if found is not None else rasa_original(Event, "resolve_by_type")(type_name, default)


def _run_graph(self: DaskGraphRunner, inputs: Optional[Dict[Text, Any]] = None,
               targets: Optional[List[Text]] = None) -> Dict[Text, Any]:
    run_targets = targets if targets else self._graph_schema.target_names
    graphs = self.__dict__.setdefault("_graphs_by_targets", {})
    graph = graphs.get(tuple(run_targets))
    if graph is None:
        graph = self._build_dask_graph(self._graph_schema.minimal_graph_schema(run_targets))
        graphs[tuple(run_targets)] = graph
    run_graph = dict(graph)  # the inputs are added to a copy
    if inputs:
        self._add_inputs_to_graph(inputs, run_graph)
    try:
        return dict(dask.core.get(run_graph, run_targets))
    except RuntimeError as e:
        raise GraphRunError("Error running runner.") from e


def _rules_by_last_action(self: RulePolicy, lookup: Dict[Text, Text]) -> Tuple[Dict[Text, List[Text]], List[Text]]:
    """The rules of `lookup` by the action their last turn follows (a rule can apply only when
    that was the conversation's latest action), and the rules whose last turn names none."""
    indexes = self.__dict__.setdefault("_rules_by_last_action", {})
    found = indexes.get(id(lookup))
    if found is None or found[0] is not lookup:
        by_action: Dict[Text, List[Text]] = {}
        others: List[Text] = []
        for key in lookup:
            rule_states = self._rule_key_to_state(key)
            name = (rule_states[-1].get(PREVIOUS_ACTION) or {}).get(ACTION_NAME) if rule_states else None
            if isinstance(name, str) and name and name != SHOULD_NOT_BE_SET:
                by_action.setdefault(name, []).append(key)
            else:
                others.append(key)
        found = indexes[id(lookup)] = (lookup, by_action, others)
    return found[1], found[2]


def _get_possible_keys(self: RulePolicy, lookup: Dict[Text, Text], states: List[Any]) -> Set[Text]:
    """The rules of `lookup` that apply to `states`, as Rasa's: a rule applies when each of its
    turns matches the state as far back (`_is_rule_applicable` is true for any state further
    back than the rule is long)."""
    if not states:
        return set(lookup)
    by_action, others = _rules_by_last_action(self, lookup)
    possible_keys = set(others)
    possible_keys.update(by_action.get((states[-1].get(PREVIOUS_ACTION) or {}).get(ACTION_NAME), ()))
    for turns_back, state in enumerate(reversed(states)):
        undecided = [key for key in possible_keys if len(self._rule_key_to_state(key)) > turns_back]
        if not undecided:
            break
        possible_keys.difference_update(
            key for key in undecided if not self._is_rule_applicable(key, turns_back, state))
    return possible_keys


class _Moment(NamedTuple):
    """The conversation just before one of its actions, as `states_for_tracker_history` reads it."""

    state: State
    prev_action: Optional[Dict[Text, Text]]
    hide_rule_turn: bool
    keeps_hiding: bool  # a follow-up action or the active loop's own turn: hidden as the turn before


#: The latest replay: (tracker, domain, number of events, last event, omit_unset_slots) and its moments.
_replayed: List[Any] = [None, ()]


def _moments(domain: Domain, tracker: DialogueStateTracker, omit_unset_slots: bool) -> Sequence[_Moment]:
    events = tracker.events
    last_event = events[-1] if events else None
    key = _replayed[0]
    if (key is not None and key[0]() is tracker and key[1] is domain and key[2] == len(events)
            and key[3] is last_event and key[4] == omit_unset_slots):
        return _replayed[1]
    moments = tuple(
        _Moment(domain.get_active_state(prior, omit_unset_slots=omit_unset_slots), prior.latest_action,
                hide_rule_turn, bool(prior.followup_action) or prior.latest_action_name == prior.active_loop_name)
        for prior, hide_rule_turn in tracker.generate_all_prior_trackers())
    _replayed[:] = [(weakref.ref(tracker), domain, len(events), last_event, omit_unset_slots), moments]
    return moments


def _states_for_tracker_history(self: Domain, tracker: DialogueStateTracker, omit_unset_slots: bool = False,
                                ignore_rule_only_turns: bool = False,
                                rule_only_data: Optional[Dict[Text, Any]] = None) -> List[State]:
    """Rasa's states, step for step, from the kept replay (each state a fresh copy: the callers
    change them)."""
    states: List[State] = []
    last_ml_action_sub_state = None
    turn_was_hidden = False
    for moment in _moments(self, tracker, omit_unset_slots):
        if ignore_rule_only_turns:
            if not turn_was_hidden:
                last_ml_action_sub_state = moment.prev_action
            if not moment.keeps_hiding:
                turn_was_hidden = moment.hide_rule_turn
            if turn_was_hidden:
                continue
        state = {kind: dict(sub_state) for kind, sub_state in moment.state.items()}
        if ignore_rule_only_turns:
            self._remove_rule_only_features(state, rule_only_data)
            if states:
                self._substitute_rule_only_user_input(state, states[-1])
            if last_ml_action_sub_state:
                state[PREVIOUS_ACTION] = dict(last_ml_action_sub_state)
        states.append(self._clean_state(state))
    return states


_SURROGATE = re.compile("[\ud800-\udfff]")

#: Client sessions by the endpoint settings they carry.
_clients: Registry = {}


class _KeptSession:
    """What `EndpointConfig.session()` returns here: `async with` gives the client session of
    this event loop for the endpoint's headers and credentials, left open on exit."""

    def __init__(self, endpoint: EndpointConfig) -> None:
        self._endpoint = endpoint

    async def __aenter__(self) -> aiohttp.ClientSession:
        endpoint = self._endpoint
        key = (tuple(sorted((endpoint.headers or {}).items())),
               tuple(sorted((endpoint.basic_auth or {}).items())))
        return loop_local(_clients, key, lambda: _client_session(endpoint),
                          usable=lambda client: not client.closed)

    async def __aexit__(self, *exc_info: Any) -> None:
        return None


@atexit.register
def _close_kept_sessions() -> None:
    """Close the kept client sessions when the server exits (their event loop has already
    stopped), so that aiohttp does not log them as leaked."""
    for _, client in _clients.values():
        if not client.closed:
            connector = client.connector
            client.detach()
            if connector is not None:
                connector._close()  # the synchronous part of `close()`: the loop is gone


def _client_session(endpoint: EndpointConfig) -> aiohttp.ClientSession:
    auth = (aiohttp.BasicAuth(endpoint.basic_auth["username"], endpoint.basic_auth["password"])
            if endpoint.basic_auth else None)
    return aiohttp.ClientSession(headers=endpoint.headers, auth=auth,
                                 timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT),
                                 connector=aiohttp.TCPConnector(keepalive_timeout=4),
                                 json_serialize=_ujson_dumps)


def _session(self: EndpointConfig) -> _KeptSession:
    return _KeptSession(self)


def _ujson_dumps(value: Any) -> str:
    text = ujson.dumps(value, ensure_ascii=False, escape_forward_slashes=False)
    if _SURROGATE.search(text):  # a lone surrogate Rasa accepted: UTF-8 cannot carry it unescaped
        return ujson.dumps(value, ensure_ascii=True, escape_forward_slashes=False)
    return text

