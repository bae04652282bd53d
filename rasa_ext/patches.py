"""The changes this project makes to Rasa's own classes, installed explicitly at start-up.

Each entry of `patches()` replaces one attribute of a Rasa class for the whole process; the
replacements are written against Rasa's code of one release (they call some of its private
members), so `install()` refuses to run on any other: a Rasa upgrade must re-read each one first.
`install()` is called by the launcher (`python -m rasa_ext run …`, rasa_ext/__main__.py) before
Rasa starts, and again, idempotently, when Rasa builds the tracker store of endpoints.yml, so that
a plain `rasa run` gets the same server (docs/architecture.md, "Rasa extensions").
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, List

from rasa_ext.originals import keep_original

logger = logging.getLogger(__name__)

#: The Rasa release the patches were written for and tested with.
RASA_VERSION = "3.6.21"


@dataclass(frozen=True)
class Patch:
    """`owner.name` replaced by `replacement`, for the reason in `purpose`."""

    owner: type
    name: str
    replacement: Any
    purpose: str

    def installed(self) -> bool:
        """Whether the class attribute is ours."""
        return self.owner.__dict__.get(self.name) is self.replacement


def check_rasa_version() -> None:
    """Refuse to go on (SystemExit with the fix) unless Rasa is the release the patches are for."""
    import rasa

    if rasa.__version__ != RASA_VERSION:
        raise SystemExit(
            f"rasa_ext: Rasa {RASA_VERSION} expected, found {rasa.__version__}. The Rasa server's "
            f"extensions (rasa_ext/patches.py) replace parts of Rasa {RASA_VERSION} and may break "
            f"another release: install the pinned versions (`bash scripts/setup.sh`, "
            f"requirements.lock), or re-check each patch against Rasa {rasa.__version__} and "
            f"update RASA_VERSION.")


def patches() -> List[Patch]:
    """Every patch, in the order installed (imported only after the version check)."""
    from rasa.core.actions.action import RemoteAction
    from rasa.core.agent import Agent
    from rasa.core.policies.rule_policy import RulePolicy
    from rasa.core.processor import MessageProcessor
    from rasa.engine.runner.dask import DaskGraphRunner
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import Event
    from rasa.utils.endpoints import EndpointConfig

    from rasa_ext import action_breaker, heap, hot_paths, turn_limit, turn_queue

    return [
        Patch(RemoteAction, "_validate_action_result", hot_paths._validate_action_result,
              "action responses checked against a schema checked once"),
        Patch(EndpointConfig, "session", hot_paths._session,
              "action server calls on kept connections, UTF-8 JSON"),
        Patch(RulePolicy, "_get_possible_keys", hot_paths._get_possible_keys,
              "rule lookup stops once every rule is decided"),
        Patch(Domain, "states_for_tracker_history", hot_paths._states_for_tracker_history,
              "a conversation's states replayed once while its events are the same"),
        Patch(Event, "resolve_by_type", hot_paths._resolve_by_type,
              "event types found in a table"),
        Patch(DaskGraphRunner, "run", hot_paths._run_graph,
              "graph parts worked out once, run in the calling thread"),
        Patch(RemoteAction, "run", action_breaker._run,
              "action calls time-limited behind a circuit breaker"),
        Patch(Agent, "load_model", heap._load_model,
              "the loaded model frozen out of the garbage collector's way"),
        Patch(MessageProcessor, "handle_message", turn_queue._handle_message,
              "turns taken a few at a time in order of arrival"),
        Patch(MessageProcessor, "_run_prediction_loop", turn_limit._run_prediction_loop,
              "a turn stopped at Rasa's limit of actions leaves the conversation listening"),
    ]


def install() -> None:
    """Check Rasa's version and the configuration (bot/config_check.py), then mask logs and
    install every patch not installed yet (idempotent), logging each one installed."""
    from bot.config_check import require_valid_config
    from bot.privacy import install_log_masking

    check_rasa_version()
    require_valid_config()
    install_log_masking()
    for patch in patches():
        if not patch.installed():
            keep_original(patch.owner, patch.name)
            setattr(patch.owner, patch.name, patch.replacement)
            logger.info("Installed %s.%s: %s.", patch.owner.__name__, patch.name, patch.purpose)
