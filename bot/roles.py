"""Who may do what at the agent console.

Agents work the queue and their own cases. Supervisors do the same, and also read the reports,
take the cases reopened for them (`supervisor_reasons` in config/roles.yml, e.g. a low
satisfaction score) and give a claimed case to another colleague (reassign). Conversation
designers see neither the queue nor cases: they read the inbox of misunderstood messages and
label them as training examples (`bot.app.inbox`); agents and supervisors do not see the inbox.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Collection, FrozenSet, Mapping, Optional, Protocol

from bot.datafiles import load_yaml, repo_path
from bot.escalation import REASONS, REOPEN_REASONS

AGENT = "agent"
SUPERVISOR = "supervisor"
DESIGNER = "designer"
ROLES = (AGENT, SUPERVISOR, DESIGNER)

CASES = "cases"
"""Work the queue and cases: claim, reply, resolve, flag a misunderstood message."""

REPORTS = "reports"
"""Read the reports (统计报表)."""
REASSIGN = "reassign"
"""Give a claimed case to another colleague."""
SUPERVISED_CASES = "supervised_cases"
"""See and take the cases queued for supervisors."""
INBOX = "inbox"
"""Read the inbox of misunderstood messages and label them as training examples."""

#: What each role may do.
PERMISSIONS: Mapping[str, FrozenSet[str]] = {
    AGENT: frozenset({CASES}),
    SUPERVISOR: frozenset({CASES, REPORTS, REASSIGN, SUPERVISED_CASES}),
    DESIGNER: frozenset({INBOX}),
}
DEFAULT_ROLES_PATH = repo_path("config/roles.yml")


def require_role(role: str) -> str:
    """`role` if it is one of `ROLES`; `ValueError` naming them otherwise."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}: use one of {', '.join(ROLES)}")
    return role


def may(role: str, permission: str) -> bool:
    """True when someone with `role` has `permission` (an unknown role has none)."""
    return permission in PERMISSIONS.get(role, frozenset())


class _Case(Protocol):
    @property
    def decisions(self) -> Collection[Mapping[str, str]]: ...

    @property
    def agent_id(self) -> Optional[int]: ...


@dataclass(frozen=True)
class RoleSettings:
    """config/roles.yml."""

    supervisor_reasons: FrozenSet[str]

    @classmethod
    def from_config(cls, raw: Mapping[str, Any], source: str = "roles.yml") -> "RoleSettings":
        reasons = frozenset(str(reason) for reason in raw.get("supervisor_reasons") or ())
        unknown = reasons - set(REASONS + REOPEN_REASONS)
        if unknown:
            raise ValueError(f"{source}: supervisor_reasons has unknown reasons {', '.join(sorted(unknown))}; "
                             f"known: {', '.join(REASONS + REOPEN_REASONS)}")
        return cls(reasons)

    def for_supervisors(self, case: _Case) -> bool:
        """True when the case was queued for a reason that is a supervisor's to handle."""
        return any(d.get("reason") in self.supervisor_reasons for d in case.decisions)

    def may_see(self, role: str, agent_id: int, case: _Case) -> bool:
        """Whether the agent `agent_id` with `role` may see and work `case`: every case but
        those for supervisors, and those too when a supervisor gave it to them; no case for a
        role without `CASES` (designers)."""
        return may(role, CASES) and (may(role, SUPERVISED_CASES) or case.agent_id == agent_id
                                     or not self.for_supervisors(case))


@lru_cache(maxsize=4)
def load_role_settings(path: Path = DEFAULT_ROLES_PATH) -> RoleSettings:
    """The role settings in `path`, read once per process."""
    return RoleSettings.from_config(load_yaml(Path(path)) or {}, source=str(path))
