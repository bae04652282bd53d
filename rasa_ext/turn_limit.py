"""A turn that Rasa stops at its limit of actions leaves the conversation listening.

Rasa stops predicting after `max_number_of_predictions` actions in a row without
`action_listen` (its own "circuit breaker"), and leaves the tracker as it is. The limit is
counted back to the last `action_listen`, across later customer messages, so every later message
of that conversation trips it at once and gets no answer until the session expires. A loop
reaches the limit when an action keeps failing where nothing else applies: the core fallback
(`action_unexpected_turn`, a custom action) while the action server is down. Here the stopped turn
ends with `action_listen`, as a finished turn does: the customer got the channel's apology
(channels/guard.py), and the next message is handled afresh.
"""
from __future__ import annotations

from typing import Any

from rasa.core.processor import MessageProcessor
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.events import ActionExecuted
from rasa.shared.core.trackers import DialogueStateTracker

from rasa_ext.originals import rasa_original


async def _run_prediction_loop(self: MessageProcessor, output_channel: Any,
                               tracker: DialogueStateTracker) -> None:
    await rasa_original(MessageProcessor, "_run_prediction_loop")(self, output_channel, tracker)
    if self.is_action_limit_reached(tracker, should_predict_another_action=True):
        tracker.update(ActionExecuted(ACTION_LISTEN_NAME))
