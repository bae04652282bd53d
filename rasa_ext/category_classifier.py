"""The second layer of understanding: which kind of complaint, whatever the intent.

The intent says what the customer does (complains, threatens, asks for a person, vents); the
category says what went wrong (quality, delivery, ...). A threat about a broken phone is a
quality complaint too, and an agent who takes it over should see that. This component learns
the categories from the examples of the intents `complain_<category>` (the categories of
data/labels.yml) and names the category of every other complaint message — a general one, a
vent, a threat, a safety report, an answer to the category question — as the entity
`complaint_category` when it is sure enough (`threshold`). The slot mapping in domain.yml takes
it. It also decides for the intents that name a category (`decide_for`): when it is sure of
another category than such an intent's, the intent is renamed to that category's
(complain_quality → complain_price_billing for a hotel's extra charges told with the front desk
in it), so the slot, the empathy and the handoff all follow the category layer; and it says how
sure it is of such a message's category (the entity `category_certainty`: `sure` at `certain_at`
or above, else `unsure`), so that the first reply names the kind of trouble only when the layer
agrees (domain.yml: utter_empathy_calm and _upset; a wrong kind named is worse than none). The intent
classifier weighs a complaint's kind against every other intent; this layer learns only which
kind, and on the dev set's tune split (docs/devset.md) it was right more often.

Same features and estimator as the intent classifier (binary, unit-length, weakly regularised
logistic regression), plus a prior from designers' cue words (`cues`): a long review spreads its
features thin, and the short examples it is learnt from are mostly stories about people (我, 说,
问 pull towards service_attitude), so a room's defect told through the staff who were called, or
beside its price, was heard as the staff or the money. Each category's cue words found in the
message (distinct words, at most `cue_cap`) add `cue_weight` each to that category's log-odds
before the best is chosen: the category the message dwells on in words wins a close call. Words
that only name the subject (`weak_cues`: the room, the book) count `weak_cue_share` of a cue word.
A message of at most `short_message` characters keeps the category its complaint intent names: the
intent classifier reads it whole, and the layer's close calls on it changed with unrelated data.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence, Set, Text, Tuple

import numpy as np

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import ENTITIES, INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.labels import load_labels
from rasa_ext.intent_classifier import NormalizedLogisticRegressionClassifier

ENTITY = "complaint_category"
CERTAINTY = "category_certainty"
INTENT_PREFIX = "complain_"
#: The class of messages that name no category.
UNSAID = ""


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=True
)
class CategoryClassifier(NormalizedLogisticRegressionClassifier):
    """Names the complaint category of complaint messages as the entity `complaint_category`."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """The intent classifier's options plus `threshold` and `apply_to`."""
        return {
            **NormalizedLogisticRegressionClassifier.get_default_config(),
            # The category is named only when its probability is at least this.
            "threshold": 0.6,
            # The intents whose messages get a category (those that do not name one).
            "apply_to": [],
            # `complain_<category>` intents renamed when this layer is sure of another category.
            "decide_for": [],
            # Intents whose examples name no category ("我要投诉"): learnt as "no category", so
            # that a message saying nothing of what went wrong is not given one.
            "unsaid": ["complain_general"],
            # Category -> words that name its kind of problem (config.yml); empty for none.
            "cues": {},
            # Category -> words that only name what the message is about (the room, breakfast,
            # money): each counts `weak_cue_share` of a cue word.
            "weak_cues": {},
            "weak_cue_share": 0.3,
            # Log-odds added per distinct cue word found, and the most words counted.
            "cue_weight": 0.7,
            "cue_cap": 3,
            # A message of at most this many characters keeps the category its `decide_for`
            # intent names (0: none does): the intent classifier reads a short message whole.
            "short_message": 0,
            # A `decide_for` message's category is `sure` (CERTAINTY) when its probability is at
            # least this, or the message is short; else `unsure`.
            "certain_at": 0.0,
        }

    def train(self, training_data: TrainingData) -> Resource:
        """Fits the categories on the examples of the `complain_<category>` intents."""
        categories = set(load_labels().categories)
        labelled = [(e, _category_of(e.get(INTENT), categories, self.config["unsaid"]))
                    for e in training_data.intent_examples if e.get(TEXT)]
        labelled = [(e, category) for e, category in labelled if category is not None]
        if len({category for _, category in labelled} - {UNSAID}) < 2:
            return self._resource  # nothing to tell apart: the component names no category
        X = self._create_X([e for e, _ in labelled])
        self.clf.fit(X, [category for _, category in labelled])
        self.persist()
        return self._resource

    def process(self, messages: List[Message]) -> List[Message]:
        """Adds the entity `complaint_category` to each complaint message of `apply_to`, and
        renames the intent of each message of `decide_for`, whose category is at least
        `threshold` sure (with its cue words counted in), and tells for each message of
        `decide_for` whether its category is `certain_at` sure (`category_certainty`); other
        messages are left as they are."""
        intents = {*self.config["apply_to"], *self.config["decide_for"]}
        chosen = [m for m in messages if (m.get(INTENT) or {}).get("name") in intents and m.get(TEXT)]
        if not chosen or not hasattr(self.clf, "classes_"):
            return messages
        X = self._create_X(chosen)
        probabilities = self._with_cues(self.clf.predict_proba(X), [m.get(TEXT) for m in chosen])
        empty = np.diff(X.indptr) == 0
        short = int(self.config.get("short_message") or 0)
        classes = [str(c) for c in self.clf.classes_]
        for message, row, no_features in zip(chosen, probabilities, empty):
            best = int(np.argmax(row))
            sure_of_best = not no_features and row[best] >= self.config["threshold"] and classes[best] != UNSAID
            intent, text = message.get(INTENT), message.get(TEXT)
            if intent["name"] in self.config["decide_for"]:
                intent_stands = no_features or len(text) <= short
                if sure_of_best and not intent_stands:
                    message.set(INTENT, {**intent, "name": INTENT_PREFIX + classes[best]}, add_to_output=True)
                self._add_entity(message, CERTAINTY, *self._certainty(message, row, classes, intent_stands))
            elif sure_of_best:
                self._add_entity(message, ENTITY, classes[best], float(row[best]))
        return messages

    def _certainty(self, message: Message, row: np.ndarray, classes: List[str],
                   intent_stands: bool) -> Tuple[str, float]:
        """(`sure` or `unsure`, probability) of the category a `decide_for` message's intent names
        now; `sure` when the intent's word stands (a short message, one without known features)
        or names a kind the layer never learnt."""
        category = message.get(INTENT)["name"][len(INTENT_PREFIX):]
        if intent_stands or category not in classes:
            return "sure", 1.0
        probability = float(row[classes.index(category)])
        return ("sure" if probability >= self.config["certain_at"] else "unsure"), probability

    def _add_entity(self, message: Message, entity: str, value: str, confidence: float) -> None:
        """`message` with the entity `entity` = `value` over its whole text."""
        found = {"entity": entity, "value": value, "confidence": confidence, "start": 0,
                 "end": len(message.get(TEXT)), "extractor": self.__class__.__name__}
        message.set(ENTITIES, [*message.get(ENTITIES, []), found], add_to_output=True)

    def _with_cues(self, probabilities: np.ndarray, texts: Sequence[str]) -> np.ndarray:
        """The classifier's probabilities with each category's cue words counted in: per
        distinct cue word found in the text, `cue_weight` more log-odds, and `weak_cue_share` of
        that per distinct weak cue word (at most `cue_cap` words' worth in all)."""
        classes = list(self.clf.classes_)
        share = float(self.config.get("weak_cue_share", 0.3))
        columns = [(classes.index(c), self.config.get(key, {}).get(c) or (), weight)
                   for key, weight in (("cues", 1.0), ("weak_cues", share))
                   for c in (self.config.get(key) or {}) if c in classes]
        if not columns or not self.config["cue_weight"]:
            return probabilities
        counts = np.zeros_like(probabilities)
        for row, text in enumerate(texts):
            for column, words, weight in columns:
                counts[row, column] += weight * sum(1 for w in words if w in text)
        np.minimum(counts, self.config["cue_cap"], out=counts)
        if not counts.any():
            return probabilities
        logits = np.log(np.clip(probabilities, 1e-12, None)) + float(self.config["cue_weight"]) * counts
        weighted = np.exp(logits - logits.max(axis=1, keepdims=True))
        return weighted / weighted.sum(axis=1, keepdims=True)

    @classmethod
    def validate_config(cls, config: Dict[Text, Any]) -> None:
        """The intent classifier's checks, a threshold between 0 and 1, and `decide_for` naming
        only `complain_<category>` intents (the renamed intent is one too)."""
        super().validate_config(config)
        if not 0 < float(config.get("threshold", 0.6)) <= 1:
            raise ValueError(f"{cls.__name__}: threshold is between 0 and 1, got {config.get('threshold')}")
        if not 0 <= float(config.get("certain_at", 0.0)) <= 1:
            raise ValueError(f"{cls.__name__}: certain_at is between 0 and 1, got {config.get('certain_at')}")
        odd = [i for i in config.get("decide_for") or () if not str(i).startswith(INTENT_PREFIX)]
        if odd:
            raise ValueError(f"{cls.__name__}: decide_for names {INTENT_PREFIX}<category> intents, got {odd}")
        for key in ("cues", "weak_cues"):
            cues = config.get(key) or {}
            unknown = sorted(set(cues) - set(load_labels().categories))
            empty = sorted(c for c, words in cues.items() if not isinstance(words, list) or not all(
                isinstance(w, str) and w.strip() for w in words))
            if unknown or empty:
                raise ValueError(f"{cls.__name__}: {key} are lists of words under the categories of "
                                 f"data/labels.yml; unknown categories {unknown}, lists that are not words {empty}")
        if float(config.get("cue_weight", 0.7)) < 0 or int(config.get("cue_cap", 3)) < 1:
            raise ValueError(f"{cls.__name__}: cue_weight is at least 0 and cue_cap at least 1")
        if not 0 <= float(config.get("weak_cue_share", 0.3)) <= 1:
            raise ValueError(f"{cls.__name__}: weak_cue_share (of a cue word) is between 0 and 1")
        if int(config.get("short_message", 0)) < 0:
            raise ValueError(f"{cls.__name__}: short_message is a number of characters, at least 0")


def _category_of(intent: Any, categories: Set[str], unsaid: Sequence[str]) -> Optional[str]:
    """The category an intent `complain_<category>` names, UNSAID for an intent of `unsaid`,
    or None (not learnt from)."""
    if intent in unsaid:
        return UNSAID
    if isinstance(intent, str) and intent.startswith(INTENT_PREFIX):
        category = intent[len(INTENT_PREFIX):]
        return category if category in categories else None
    return None
