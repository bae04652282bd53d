"""Dialogue policy: when the customer's latest message means a person must take over, the next
action is the handoff, whatever the other policies would do (also in the middle of the form).

The decision is `bot.app.escalation.judge_turn`, the only place escalation is decided:
`bot.escalation.decide` over the conversation (`bot.situation`): threats, safety,
identity, repeats (said, or on an order our store already has a complaint about), being pushed
around, sustained anger, large sums, requests for a person and repeated misunderstandings. The
decisions travel to the handoff action in the slot `handoff_decisions`, which carries them out.
Configured in config.yml; thresholds and lexicons live in config/escalation.yml.
"""
from __future__ import annotations

import logging
from datetime import datetime, timezone
from typing import Any, Dict, List, Optional, Text

from rasa.core.policies.policy import Policy, PolicyPrediction, SupportedData
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SlotSet
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker

from bot.app.escalation import DECISIONS_SLOT, decisions_as_slot, judge_turn
from bot.situation import is_external

logger = logging.getLogger(__name__)


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT], is_trainable=True
)
class EscalationPolicy(Policy):
    """Predicts the handoff action right after a customer message that needs a person."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        # Above RulePolicy (6): a threat in the middle of the form still goes to a person.
        return {"priority": 7, "handoff_action": "action_hand_off"}

    @staticmethod
    def supported_data() -> SupportedData:
        return SupportedData.ML_AND_RULE_DATA

    def train(self, training_trackers: List[TrackerWithCachedStates], domain: Domain,
              **kwargs: Any) -> Resource:
        """Nothing to learn: the rules are configuration. Stores an empty resource."""
        with self._model_storage.write_to(self._resource):
            pass
        return self._resource

    def predict_action_probabilities(self, tracker: DialogueStateTracker, domain: Domain,
                                     rule_only_data: Optional[Dict[Text, Any]] = None,
                                     **kwargs: Any) -> PolicyPrediction:
        probabilities = self._default_predictions(domain)
        latest = tracker.latest_message
        if (tracker.latest_action_name != ACTION_LISTEN_NAME or latest is None
                or is_external(latest.intent.get("name"))):
            return self._prediction(probabilities)
        events = [event.as_dict() for event in tracker.events]
        decisions = judge_turn(events, tracker.current_slot_values(), datetime.now(timezone.utc))
        if not decisions:
            return self._prediction(probabilities)
        logger.debug("handing off: %s", ", ".join(d.reason for d in decisions))
        probabilities[domain.index_for_action(self.config["handoff_action"])] = 1.0
        # Marked as not depending on the user's words, like the form's happy path, so that it
        # outranks the form when the message also answers the form's question (the ensemble
        # compares such predictions only among themselves; then the priority decides).
        return self._prediction(probabilities, events=[SlotSet(DECISIONS_SLOT, decisions_as_slot(decisions))],
                                is_no_user_prediction=True)
