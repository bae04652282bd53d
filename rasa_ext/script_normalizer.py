"""NLU pipeline component that rewrites Traditional-script user text in Simplified.

Placed first in the pipeline, it lets one set of (mostly Simplified) training data, Jieba
dictionary, regexes and lookup tables serve customers who write either script.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, ENTITY_ATTRIBUTE_VALUE, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.script import to_simplified


def simplify_same_length(text: str) -> str:
    """Convert `text` to Simplified without changing its length (entity offsets stay valid).

    OpenCC converts some phrases to a different number of characters; then each character
    is converted on its own, and a character whose conversion is not one character is kept.
    """
    converted = to_simplified(text)
    if len(converted) == len(text):
        return converted
    chars = (to_simplified(c) for c in text)
    return "".join(s if len(s) == 1 else c for s, c in zip(chars, text))


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER], is_trainable=False
)
class ScriptNormalizer(GraphComponent):
    """Rewrites each message's text from Traditional to Simplified Chinese."""

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> ScriptNormalizer:
        """Creates the component (it has no state)."""
        return cls()

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """The component has no options."""
        return {}

    def process(self, messages: List[Message]) -> List[Message]:
        """Normalises the text of incoming messages in place."""
        for message in messages:
            self._normalize(message)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Normalises training examples and the synonyms annotated in them."""
        for example in training_data.training_examples:
            self._normalize(example)
        for key, value in list(training_data.entity_synonyms.items()):
            training_data.entity_synonyms.setdefault(simplify_same_length(key), value)
        return training_data

    @staticmethod
    def _normalize(message: Message) -> None:
        text: Optional[Text] = message.get(TEXT)
        if not isinstance(text, str) or not text:
            return
        simplified = simplify_same_length(text)
        if simplified == text:
            return
        message.set(TEXT, simplified)
        # Annotated entities without an explicit value carry the span text as value:
        # keep it equal to the new span, or the synonym mapper learns "订单" -> "訂單".
        for entity in message.get(ENTITIES) or []:
            start, end = entity.get("start"), entity.get("end")
            if start is None or end is None:
                continue
            if entity.get(ENTITY_ATTRIBUTE_VALUE) == text[start:end]:
                entity[ENTITY_ATTRIBUTE_VALUE] = simplified[start:end]
