"""Messages with hand-made sparse features and the intent classifier built on them: the NLU
component tests train in well under a second, without a tokenizer or featurizer."""
from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any, List

import numpy as np
import scipy.sparse

from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message

from rasa_ext.intent_classifier import NormalizedLogisticRegressionClassifier

VOCABULARY = 6
_serial = itertools.count()


def message(counts: List[int], intent: str = "") -> Message:
    """A message whose sentence features are `counts` (VOCABULARY of them), with `intent`."""
    # Distinct texts: TrainingData drops duplicate examples.
    data = {"text": f"message {next(_serial)}"}
    if intent:
        data["intent"] = intent
    made = Message(data=data)
    sentence = scipy.sparse.coo_matrix(np.array([counts], dtype=np.float64))
    made.add_features(Features(sentence, "sentence", "text", "featurizer"))
    sequence = scipy.sparse.coo_matrix(np.zeros((1, VOCABULARY)))
    made.add_features(Features(sequence, "sequence", "text", "featurizer"))
    return made


def intent_classifier(tmp_path: Path, **config: Any) -> NormalizedLogisticRegressionClassifier:
    """An untrained classifier with the default config and `config`, stored under `tmp_path`."""
    storage = LocalModelStorage(tmp_path)
    context = ExecutionContext(GraphSchema({}), "test", node_name="intent_classifier")
    return NormalizedLogisticRegressionClassifier.create(
        {**NormalizedLogisticRegressionClassifier.get_default_config(), **config},
        storage,
        Resource("intent_classifier"),
        context,
    )
