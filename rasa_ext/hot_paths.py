"""Three of Rasa's per-turn hot paths, made cheap without changing what they do.

Profiling the server under load (py-spy, README "Performance") showed three pieces of Rasa 3.6
doing more work than needed on every call:

- `RemoteAction._validate_action_result` calls `jsonschema.validate`, which re-checks the schema
  itself against its meta-schema each time: about 30 ms per custom action call, most of a turn.
  Here the schema is checked once and every response is validated with the same compiled
  validator and rejected with Rasa's own message.
- `Event.resolve_by_type`, run for every event of a conversation each time a tracker is loaded,
  walks all subclasses of `Event` to find the one with a type name: a sixteenth of a turn.
  Here the names are looked up in a table, rebuilt whenever a name is not in it (a subclass
  defined later is still found; unknown names fail as before).
- `DaskGraphRunner.run` (the NLU pipeline and the policies, several times a turn) evaluates its
  graph with dask's threaded-pool machinery in a single thread, and formats its inputs (the whole
  tracker) into a debug message even when debug logging is off. Here the same graph is evaluated
  by dask's plain recursive `dask.core.get`, in the same order, in the calling thread.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any, Dict, List, Optional, Text, Type

import dask.core
from jsonschema import ValidationError, validators
from rasa.core.actions.action import RemoteAction
from rasa.engine.exceptions import GraphRunError
from rasa.engine.runner.dask import DaskGraphRunner
from rasa.shared.constants import DOCS_BASE_URL
from rasa.shared.core.events import Event
from rasa.shared.utils.common import all_subclasses

_ORIGINAL_RESOLVE_BY_TYPE = Event.resolve_by_type
_events_by_type: Dict[Text, Type[Event]] = {}


@lru_cache(maxsize=1)
def _validator() -> Any:
    schema = RemoteAction.action_response_format_spec()
    validator_class = validators.validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


def _validate_action_result(self: RemoteAction, result: Dict[Text, Any]) -> bool:
    try:
        _validator().validate(result)
        return True
    except ValidationError as e:
        e.message += (
            f". Failed to validate Action server response from API, "
            f"make sure your response from the Action endpoint is valid. "
            f"For more information about the format visit "
            f"{DOCS_BASE_URL}/custom-actions"
        )
        raise e


def _resolve_by_type(type_name: Text, default: Optional[Type[Event]] = None) -> Optional[Type[Event]]:
    if type_name not in _events_by_type:
        _events_by_type.update((cls.type_name, cls) for cls in reversed(all_subclasses(Event)))
    found = _events_by_type.get(type_name)
    return found if found is not None else _ORIGINAL_RESOLVE_BY_TYPE(type_name, default)


def _run_graph(self: DaskGraphRunner, inputs: Optional[Dict[Text, Any]] = None,
               targets: Optional[List[Text]] = None) -> Dict[Text, Any]:
    run_targets = targets if targets else self._graph_schema.target_names
    run_graph = self._build_dask_graph(self._graph_schema.minimal_graph_schema(run_targets))
    if inputs:
        self._add_inputs_to_graph(inputs, run_graph)
    try:
        return dict(dask.core.get(run_graph, run_targets))
    except RuntimeError as e:
        raise GraphRunError("Error running runner.") from e


def install_hot_path_fixes() -> None:
    """Replace the three hot paths for the whole process (idempotent)."""
    RemoteAction._validate_action_result = _validate_action_result  # type: ignore[assignment]
    Event.resolve_by_type = staticmethod(_resolve_by_type)  # type: ignore[assignment]
    DaskGraphRunner.run = _run_graph  # type: ignore[assignment]
