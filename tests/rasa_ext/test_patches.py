"""The patches to Rasa are installed only when asked, only on the Rasa release they were written
for, and each does what Rasa's own code does (rasa_ext/patches.py). What each patch improves
is tested beside its module: test_server_extensions.py, test_action_breaker.py,
test_turn_queue.py."""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import pytest
from rasa.core.training import load_data
from rasa.engine.exceptions import GraphComponentException, GraphRunError
from rasa.engine.graph import ExecutionContext, GraphComponent, GraphSchema, SchemaNode
from rasa.engine.runner.dask import DaskGraphRunner
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, Event
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.utils.common import all_subclasses

from rasa_ext.originals import rasa_original
from rasa_ext.patches import RASA_VERSION, patches

ROOT = Path(__file__).resolve().parents[2]


def _python(code: str) -> subprocess.CompletedProcess:
    """`code` run by a fresh interpreter of the project (the patches are process-wide)."""
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)


@pytest.mark.outside_unit  # fresh interpreters, seconds each
def test_importing_the_extensions_changes_nothing_and_install_replaces_each_attribute_once() -> None:
    run = _python("""
        import json, logging
        logging.basicConfig(level=logging.INFO, format="%(message)s")
        import rasa_ext, rasa_ext.tracker_store, rasa_ext.nlg, rasa_ext.lock_store
        from rasa_ext.patches import install, patches

        def owners():
            return {f"{p.owner.__name__}.{p.name}": getattr(p.owner.__dict__[p.name], "__module__", None)
                    for p in patches()}

        before = owners()
        install()
        after = owners()
        logging.info("-- installed again --")
        install()
        print(json.dumps({"before": before, "after": after,
                          "ours": all(p.installed() for p in patches())}))
    """)
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout)
    assert len(result["before"]) == len(patches()) == 10
    assert all(module.startswith("rasa.") for module in result["before"].values()), result["before"]
    assert all(module.startswith("rasa_ext.") for module in result["after"].values()), result["after"]
    assert result["ours"]
    first, again = run.stderr.split("-- installed again --")
    assert all(f"Installed {name}:" in first for name in result["before"])
    assert "Installed" not in again, "a second install changes nothing"


@pytest.mark.outside_unit  # fresh interpreters, seconds each
@pytest.mark.parametrize("start", [
    "from rasa_ext.patches import install; install()",
    "from rasa_ext.__main__ import main; main(['run', '--enable-api'])",
])
def test_another_rasa_release_is_refused_with_the_versions_and_the_fix(start: str) -> None:
    run = _python(f"""
        import rasa
        rasa.__version__ = "3.7.0"
        try:
            {start}
        finally:
            from rasa.core.processor import MessageProcessor
            print(MessageProcessor.handle_message.__module__)
    """)
    assert run.returncode == 1
    assert f"Rasa {RASA_VERSION} expected, found 3.7.0" in run.stderr
    assert "scripts/setup.sh" in run.stderr
    assert run.stdout.strip() == "rasa.core.processor", "nothing was patched"
    assert "Starting Rasa server" not in run.stderr + run.stdout


def test_event_types_are_found_as_rasa_finds_them() -> None:
    resolve = Event.resolve_by_type
    rasa_resolve = rasa_original(Event, "resolve_by_type").__func__
    assert resolve is not rasa_resolve
    for name in {cls.type_name for cls in all_subclasses(Event)}:
        assert resolve(name) is rasa_resolve(name), name
    assert resolve("topic") is None  # Rasa's backwards compatibility
    assert resolve("no_such_event", Event) is Event
    with pytest.raises(ValueError, match="Unknown event name 'no_such_event'"):
        resolve("no_such_event")

    class DefinedLater(ActionExecuted):
        type_name = "defined_later_in_test"

    assert resolve("defined_later_in_test") is DefinedLater


class Number(GraphComponent):
    """A node giving its configured value."""

    def __init__(self, config: Dict[str, Any]) -> None:
        self.value = config["value"]

    @classmethod
    def create(cls, config: Dict[str, Any], **context: Any) -> Number:
        return cls(config)

    def give(self) -> Any:
        return self.value


class Add(GraphComponent):
    """A node adding its two inputs."""

    @classmethod
    def create(cls, config: Dict[str, Any], **context: Any) -> Add:
        return cls()

    def add(self, a: Any, b: Any) -> Any:
        return a + b


def _node(uses: type, fn: str, needs: Dict[str, str], is_target: bool = False, **config: Any) -> SchemaNode:
    return SchemaNode(needs=needs, uses=uses, constructor_name="create", fn=fn, config=config,
                      is_target=is_target)


GRAPH = GraphSchema({
    "ten": _node(Number, "give", {}, value=10),
    "plus_input": _node(Add, "add", {"a": "ten", "b": "__number__"}),
    "double": _node(Add, "add", {"a": "plus_input", "b": "plus_input"}, is_target=True),
    "broken": _node(Add, "add", {"a": "ten", "b": "__text__"}),
})


@pytest.mark.parametrize("inputs, targets", [
    ({"__number__": 5}, None),
    ({"__number__": 7}, ["double"]),
    ({"__number__": 5}, ["plus_input", "double"]),
    ({"__number__": 1}, ["ten"]),
    ({"__number__": 5, "__text__": "x"}, ["double", "ten"]),  # the broken node is not needed
])
def test_the_graph_runner_gives_what_rasas_gives(
        tmp_path: Path, inputs: Dict[str, Any], targets: Optional[List[str]]) -> None:
    runner = DaskGraphRunner.create(GRAPH, LocalModelStorage(tmp_path), ExecutionContext(GRAPH, "test"))
    rasa_run = rasa_original(DaskGraphRunner, "run")
    assert DaskGraphRunner.run is not rasa_run
    for _ in range(2):  # the second run reuses the graph worked out by the first
        assert runner.run(inputs, targets) == rasa_run(runner, inputs, targets)
    assert runner.run({"__number__": 0}, targets) == rasa_run(runner, {"__number__": 0}, targets), \
        "inputs of one run do not stay in the reused graph"


def test_the_graph_runner_fails_as_rasas_does(tmp_path: Path) -> None:
    runner = DaskGraphRunner.create(GRAPH, LocalModelStorage(tmp_path), ExecutionContext(GRAPH, "test"))
    with pytest.raises(GraphComponentException):
        runner.run({"__text__": "x"}, ["broken"])
    with pytest.raises(GraphRunError, match="clashes with a node name"):
        runner.run({"__number__": "ten"}, ["double"])


def _conversations() -> Tuple[Domain, List[DialogueStateTracker]]:
    """The project's stories and rules (forms, follow-ups, rule-only turns), as the plain
    conversations a server holds."""
    domain = Domain.load(str(ROOT / "domain.yml"))
    trackers = [tracker for resource in ("data/stories", "data/rules.yml")
                for tracker in load_data(str(ROOT / resource), domain, augmentation_factor=0)]
    conversations = []
    for tracker in trackers:
        conversation = DialogueStateTracker(tracker.sender_id, domain.slots, is_rule_tracker=tracker.is_rule_tracker)
        for event in tracker.events:
            conversation.update(event)
        conversations.append(conversation)
    return domain, conversations


def test_a_conversations_states_are_rasas_however_often_asked_and_as_it_grows() -> None:
    """Each prediction asks for the states three times (the replay is kept) and changes what it
    gets; the conversation then grows by an event: every answer is still Rasa's own."""
    domain, conversations = _conversations()
    rasa_states = rasa_original(Domain, "states_for_tracker_history")
    rule_only = {"rule_only_slots": list(domain.slots)[:3], "rule_only_loops": list(domain.form_names)[:1]}
    asks = [{}, {"omit_unset_slots": True}, {"ignore_rule_only_turns": True, "rule_only_data": rule_only},
            {"ignore_rule_only_turns": True}]  # the next event's first ask is as the last one
    assert Domain.states_for_tracker_history is not rasa_states
    assert len(conversations) > 50 and any(c.is_rule_tracker for c in conversations)
    for conversation in conversations:
        grown = DialogueStateTracker(conversation.sender_id, domain.slots, is_rule_tracker=conversation.is_rule_tracker)
        for event in conversation.events:
            grown.update(event)
            for ask in asks:
                states = domain.states_for_tracker_history(grown, **ask)
                assert states == rasa_states(domain, grown, **ask), (conversation.sender_id, ask)
                for state in states:  # the policies change theirs (the last user input, at least)
                    for sub_state in state.values():
                        sub_state.clear()
