"""Jieba tokenizer for mixed Chinese/ASCII customer messages."""
from __future__ import annotations

from typing import List, Text

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.tokenizers.jieba_tokenizer import JiebaTokenizer
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.shared.nlu.training_data.message import Message


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=True
)
class ChineseTokenizer(JiebaTokenizer):
    """JiebaTokenizer without whitespace-only tokens.

    Jieba returns the spaces of "订单 DD123 到了" as tokens (RasaHQ/rasa#7910), which
    breaks training. Options are JiebaTokenizer's, including `dictionary_path`: a
    directory of Jieba user dictionaries, stored with the model.
    """

    def tokenize(self, message: Message, attribute: Text) -> List[Token]:
        """Tokenizes `attribute` of `message` with Jieba, dropping whitespace tokens."""
        return [t for t in super().tokenize(message, attribute) if t.text.strip()]
