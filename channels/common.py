"""What every channel does the same way, whatever the platform: say a domain response, keep the
evidence a customer sends, keep a message nobody answered or nobody could read."""
from __future__ import annotations

import asyncio
import logging
from typing import Any, Dict, Optional, Tuple

from rasa.core.agent import Agent
from rasa.core.channels.channel import OutputChannel
from rasa.shared.core.trackers import DialogueStateTracker

from bot.clock import utcnow
from bot.storage import EvidenceStore, shared_store
from channels.instructions import KeepEvidence

logger = logging.getLogger(__name__)

EVIDENCE_ATTACHED = "utter_evidence_attached"
EVIDENCE_KEPT = "utter_evidence_kept"
SYSTEM_TROUBLE = "utter_system_trouble"


async def say(agent: Agent, output: OutputChannel, sender: str, response: str,
              tracker: Optional[DialogueStateTracker] = None, **values: Any) -> None:
    """Render a domain response in the customer's script (from their conversation, or `tracker`)
    and send it to `sender` through `output`."""
    if tracker is None:
        tracker = await agent.processor.get_tracker(sender)
    rendered = await agent.nlg.generate(response, tracker, output.name(), **values)
    if not rendered:
        logger.warning("%s: domain.yml has no response %s: nothing said", output.name(), response)
        return
    await output.send_response(sender, rendered)


async def keep_evidence(customers: EvidenceStore, channel: str, sender: str,
                        evidence: KeepEvidence) -> Tuple[str, Dict[str, Any]]:
    """Keep `evidence` with the sender's open complaint (else for their next one); the response
    that tells them which, with its values."""
    kept = await asyncio.to_thread(customers.attach, channel, sender, evidence.kind, utcnow(),
                                   evidence.media_id, evidence.url, evidence.details)
    if kept.complaint_id:
        return EVIDENCE_ATTACHED, {"complaint_id": kept.complaint_id}
    return EVIDENCE_KEPT, {}


async def keep_unanswered(channel: str, sender_id: str, text: str, reason: str) -> None:
    """Keep a message nobody answered in the store's unanswered messages, for a colleague; when
    the store fails too, the log keeps it (masked, as every log line)."""
    try:
        await asyncio.to_thread(shared_store().record_unanswered, channel, sender_id, text, reason, utcnow())
    except Exception:
        logger.exception("%s: a message from %s (%s) could not be kept; it was: %r",
                         channel, sender_id, reason, text[:2000])


async def keep_malformed(channel: str, sender_id: str, body: str, problem: Exception) -> None:
    """Log (masked) and keep a body the channel could not read (answered 400), for a colleague."""
    logger.warning("%s: unreadable body from %s (400, kept in unanswered messages): %s; body starts %r",
                   channel, sender_id, problem, body[:200])
    await keep_unanswered(channel, sender_id, body, "malformed")
