"""What the console shows of cases, complaints and notes: JSON-ready dicts with Chinese labels
and local times (ISO times too, for countdowns in the browser)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Dict, List, Optional
from zoneinfo import ZoneInfo

from console import wording
from bot.storage import Agent, Case, CaseEvent, Complaint, Evidence, Note
from bot.labels import Labels

View = Dict[str, Any]


def iso(moment: Optional[datetime]) -> Optional[str]:
    """`moment` as an ISO 8601 string with its offset, or None."""
    return moment.isoformat() if moment else None


@dataclass(frozen=True)
class Views:
    """Turns core values into what the console's pages and API clients read."""

    labels: Labels
    tz: ZoneInfo

    def local(self, moment: Optional[datetime]) -> Optional[str]:
        """E.g. 11月24日（周二）15:30, local time; None for None."""
        return self.labels.format_datetime(moment.astimezone(self.tz)) if moment else None

    def case(self, case: Case) -> View:
        """A case as the queue lists it."""
        complaint = case.complaint
        return {
            "id": case.id,
            "priority": case.priority,
            "priority_label": wording.PRIORITIES.get(case.priority, case.priority),
            "reason": case.reason,
            "reason_label": wording.REASONS.get(case.reason, case.reason),
            "explanation": case.explanation,
            "decisions": [{**d, "reason_label": wording.REASONS.get(d["reason"], d["reason"])}
                          for d in case.decisions],
            "status": case.status,
            "status_label": wording.CASE_STATUSES.get(case.status, case.status),
            "complaint_id": case.complaint_id,
            "title": case.complaint_id or wording.NO_COMPLAINT_TITLE,
            "category_label": (self.labels.category(complaint.category) if complaint
                               else wording.NO_COMPLAINT_CATEGORY),
            "channel": case.channel,
            "channel_label": wording.CHANNELS.get(case.channel, case.channel),
            "conversation_id": case.conversation_id,
            "agent_id": case.agent_id,
            "agent_name": case.agent_name,
            "created_at": iso(case.created_at),
            "created_at_text": self.local(case.created_at),
            "claim_due": iso(case.claim_due),
            "claim_due_text": self.local(case.claim_due),
            "overdue": case.overdue,
            "callback_due": iso(case.callback_due),
            "callback_due_text": self.local(case.callback_due),
            "claimed_at": iso(case.claimed_at),
            "closed_at": iso(case.closed_at),
        }

    def complaint(self, complaint: Complaint) -> View:
        """Everything the customer told us about one complaint."""
        incident = complaint.incident_time_text or (
            self.labels.format_date(complaint.incident_date) if complaint.incident_date else None)
        return {
            "id": complaint.public_id,
            "status_label": self.labels.status(complaint.status),
            "description": complaint.description,
            "category_label": self.labels.category(complaint.category),
            "incident": incident or self.labels.unknown,
            "order_number": complaint.order_number or self.labels.unknown,
            "product": complaint.product or self.labels.unknown,
            "amount": f"{complaint.amount:,}元" if complaint.amount is not None else self.labels.unknown,
            "remedy": complaint.desired_remedy,
            "remedy_label": self.labels.remedy(complaint.desired_remedy),
            "contact_phone": complaint.contact_phone or self.labels.unknown,
            "resolution": complaint.resolution,
            "created_at_text": self.local(complaint.created_at),
            "resolution_due_text": self.local(complaint.resolution_due),
        }

    def note(self, note: Note) -> View:
        """An internal note."""
        return {"id": note.id, "agent_name": note.agent_name, "text": note.text,
                "created_at": iso(note.created_at), "created_at_text": self.local(note.created_at)}

    def event(self, event: CaseEvent) -> View:
        """An entry of the case's audit trail: who did what, when, and a word on it."""
        details = event.details
        if event.action == "reassigned":
            text = wording.REASSIGNED_TEXT.format(from_name=details.get("from_agent_name"),
                                                  to_name=details.get("to_agent_name"))
        elif event.action == "refunded" and details.get("amount"):
            text = wording.REFUND_AMOUNT_TEXT.format(amount=details["amount"])
        elif event.action == "resolved" and details.get("remedy"):
            text = wording.REMEDY_TEXT.format(remedy=self.labels.remedy(details["remedy"]))
            if details.get("resolution"):  # a case without a complaint keeps it here
                text += "；" + wording.RESOLUTION_TEXT.format(resolution=details["resolution"])
        elif event.action == "complaint_added":
            text = wording.COMPLAINT_ADDED_TEXT.format(complaint_id=details.get("complaint_id"))
        else:
            text = ""
        return {"id": event.id, "action": event.action,
                "action_label": wording.CASE_ACTIONS.get(event.action, event.action),
                "agent_name": event.agent_name or wording.SYSTEM_ACTOR, "text": text,
                "at": iso(event.created_at), "at_text": self.local(event.created_at)}

    def evidence(self, case_id: int, evidence: Evidence) -> View:
        """What the customer sent besides words: a photo or voice message with the console URL
        of its file (`file_url`, null until downloaded), or what else the platform said."""
        channel = wording.CHANNELS.get(evidence.channel, evidence.channel)
        file = evidence.file
        if file is not None:
            state = ""
        elif evidence.fetch_error:
            state = wording.EVIDENCE_FAILED.format(channel=channel)
        elif evidence.media_id and evidence.kind in ("image", "voice", "audio"):
            state = wording.EVIDENCE_PENDING.format(channel=channel)
        else:
            state = wording.EVIDENCE_NOT_KEPT if evidence.media_id else ""
        details = evidence.details
        return {
            "id": evidence.id, "kind": evidence.kind,
            "kind_label": wording.EVIDENCE_KINDS.get(evidence.kind, evidence.kind),
            "file_url": f"/agent/cases/{case_id}/evidence/{evidence.id}" if file else None,
            "content_type": file.content_type if file else None,
            "size": file.size if file else None,
            "state": state,
            "caption": details.get("caption") or details.get("title") or details.get("label"),
            "url": evidence.url if evidence.kind == "link" else None,
            "at": iso(evidence.created_at), "at_text": self.local(evidence.created_at),
        }

    @staticmethod
    def colleague(agent: Agent) -> View:
        """An agent a case can be given to (the username tells apart colleagues of one name)."""
        return {"id": agent.id, "name": agent.display_name, "username": agent.username,
                "role_label": wording.ROLES.get(agent.role, agent.role)}

    def remedy_options(self) -> List[View]:
        """The remedies an agent can record, as {code, label}."""
        return [{"code": code, "label": label} for code, label in self.labels.remedies.items()]
