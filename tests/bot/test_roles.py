"""Who may do what: supervisors read reports, reassign and take the cases reopened for them;
agents work the queue and their own cases; designers read the inbox and no case."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Tuple

import pytest

from bot.roles import (
    AGENT, CASES, DESIGNER, INBOX, REASSIGN, REPORTS, SUPERVISOR, RoleSettings, load_role_settings, may, require_role,
)


@dataclass(frozen=True)
class _Case:
    reasons: Tuple[str, ...]
    agent_id: Optional[int] = None

    @property
    def decisions(self):
        return tuple({"reason": reason, "priority": "P2", "explanation": ""} for reason in self.reasons)


SETTINGS = RoleSettings(frozenset({"low_satisfaction"}))


def test_only_supervisors_read_reports_and_reassign():
    assert may(SUPERVISOR, REPORTS) and may(SUPERVISOR, REASSIGN)
    assert not may(AGENT, REPORTS) and not may(AGENT, REASSIGN)
    assert not may("intruder", REPORTS)


def test_only_designers_read_the_inbox_and_they_see_no_case():
    assert may(DESIGNER, INBOX) and not may(AGENT, INBOX) and not may(SUPERVISOR, INBOX)
    assert not may(DESIGNER, CASES) and not may(DESIGNER, REPORTS)
    assert not SETTINGS.may_see(DESIGNER, 1, _Case(("threat",)))
    assert not SETTINGS.may_see(DESIGNER, 1, _Case(("threat",), agent_id=1))


def test_an_unknown_role_is_refused_with_the_known_ones():
    assert require_role(DESIGNER) == DESIGNER
    with pytest.raises(ValueError, match="agent, supervisor, designer"):
        require_role("boss")


def test_a_reopened_low_satisfaction_case_is_for_supervisors_unless_given_to_an_agent():
    reopened = _Case(("low_satisfaction",))
    assert SETTINGS.may_see(SUPERVISOR, 1, reopened)
    assert not SETTINGS.may_see(AGENT, 2, reopened)
    assert SETTINGS.may_see(AGENT, 2, _Case(("low_satisfaction",), agent_id=2)), "a supervisor gave it to them"
    assert not SETTINGS.may_see(AGENT, 3, _Case(("low_satisfaction",), agent_id=2))


def test_a_case_with_a_supervisors_reason_among_others_is_still_theirs():
    assert SETTINGS.for_supervisors(_Case(("anger", "low_satisfaction")))
    assert not SETTINGS.for_supervisors(_Case(("threat", "not_solved")))
    assert SETTINGS.may_see(AGENT, 2, _Case(("threat",)))


def test_the_shipped_settings_give_supervisors_the_low_satisfaction_cases():
    assert load_role_settings().supervisor_reasons == frozenset({"low_satisfaction"})


def test_a_reason_that_does_not_exist_is_refused():
    with pytest.raises(ValueError, match="low_satisfction"):
        RoleSettings.from_config({"supervisor_reasons": ["low_satisfction"]})
