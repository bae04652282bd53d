"""rasa_ext.intent_classifier: binary, L2-normalised features and a configurable C.

Trains on a handful of hand-made sparse feature vectors (no tokenizer, no featurizer), so it
runs in well under a second.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import scipy.sparse

from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.training_data import TrainingData

from rasa_ext.intent_classifier import NormalizedLogisticRegressionClassifier
from tests.nlu.sparse import intent_classifier as _classifier
from tests.nlu.sparse import message as _message

def _training_data() -> TrainingData:
    examples = []
    for i in range(6):
        examples.append(_message([1 + i % 3, 1, 0, 0, 0, i % 2], "complain_quality"))
        examples.append(_message([0, 0, 1 + i % 2, 1, 0, i % 2], "vent"))
        examples.append(_message([0, i % 2, 0, 0, 1 + i % 3, 1], "greet"))
    return TrainingData(examples)


def test_features_are_binary_and_unit_length(tmp_path: Path) -> None:
    classifier = _classifier(tmp_path)
    X = classifier._create_X([_message([3, 1, 0, 0, 0, 0]), _message([0, 0, 5, 5, 5, 5])])
    dense = X.toarray()
    assert np.allclose(np.linalg.norm(dense, axis=1), 1.0)
    assert np.allclose(dense[0], [1 / np.sqrt(2), 1 / np.sqrt(2), 0, 0, 0, 0])
    assert np.allclose(dense[1], [0, 0, 0.5, 0.5, 0.5, 0.5])


def test_features_of_several_featurizers_are_the_parents_matrix(tmp_path: Path) -> None:
    """Blocks from several featurizers (duplicate coordinates, an empty block, sequence
    features to ignore) give exactly the matrix Rasa's own classifier builds."""
    messages = []
    for counts, cues in (([3, 1, 0, 0, 0, 0], [0, 1]), ([0, 0, 0, 0, 0, 0], [0, 0]), ([0, 2, 0, 0, 0, 7], [1, 1])):
        message = _message(counts)
        doubled = scipy.sparse.coo_matrix(([1.0, 2.0], ([0, 0], [1, 1])), shape=(1, 2)) if cues[0] else \
            scipy.sparse.coo_matrix(np.array([cues], dtype=np.float64))
        message.add_features(Features(doubled, "sentence", "text", "cues"))
        message.add_features(Features(scipy.sparse.coo_matrix(np.ones((1, 3))), "sentence", "intent", "other"))
        messages.append(message)
    raw = _classifier(tmp_path, binary=False, normalize=False)._create_X(messages)
    expected = scipy.sparse.csr_matrix(LogisticRegressionClassifier._create_X(raw, messages))
    assert raw.shape == (3, 8)
    assert raw.toarray().tolist() == expected.toarray().tolist()


def test_counts_and_lengths_kept_when_disabled(tmp_path: Path) -> None:
    classifier = _classifier(tmp_path, binary=False, normalize=False)
    X = classifier._create_X([_message([3, 1, 0, 0, 0, 0])])
    assert X.toarray().tolist() == [[3, 1, 0, 0, 0, 0]]


def test_configured_c_reaches_the_estimator(tmp_path: Path) -> None:
    assert _classifier(tmp_path).clf.C == 100
    assert _classifier(tmp_path, C=3).clf.C == 3
    assert _classifier(tmp_path, class_weight=None).clf.class_weight is None


@pytest.mark.parametrize("config", [{"C": 0}, {"C": -1}, {"class_weight": "auto"}])
def test_invalid_config_is_rejected(config: dict) -> None:
    with pytest.raises(ValueError):
        NormalizedLogisticRegressionClassifier.validate_config(config)


def test_trains_predicts_persists_and_loads(tmp_path: Path) -> None:
    classifier = _classifier(tmp_path)
    classifier.train(_training_data())
    message = _message([2, 1, 0, 0, 0, 0])
    classifier.process([message])
    assert message.get("intent")["name"] == "complain_quality"
    confidence = message.get("intent")["confidence"]
    ranking = message.get("intent_ranking")
    assert [r["name"] for r in ranking][0] == "complain_quality"
    assert abs(sum(r["confidence"] for r in ranking) - 1.0) < 1e-6

    loaded = NormalizedLogisticRegressionClassifier.load(
        {**NormalizedLogisticRegressionClassifier.get_default_config()},
        LocalModelStorage(tmp_path),
        Resource("intent_classifier"),
        ExecutionContext(GraphSchema({}), "test", node_name="intent_classifier"),
    )
    again = _message([2, 1, 0, 0, 0, 0])
    loaded.process([again])
    assert again.get("intent")["name"] == "complain_quality"
    assert again.get("intent")["confidence"] == pytest.approx(confidence)


def test_weak_regularisation_gives_confident_predictions(tmp_path: Path) -> None:
    """The point of a large C: a clear training-like message is not left near 1/3."""
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    strong, weak = _classifier(tmp_path / "a", C=0.1), _classifier(tmp_path / "b", C=100)
    confidences = []
    for classifier in (strong, weak):
        classifier.train(_training_data())
        message = _message([0, 0, 2, 1, 0, 0])
        classifier.process([message])
        assert message.get("intent")["name"] == "vent"
        confidences.append(message.get("intent")["confidence"])
    assert confidences[1] > confidences[0]
    assert confidences[1] > 0.9


def test_message_without_known_features_gets_no_confident_intent(tmp_path: Path) -> None:
    """All-zero features (only unseen characters, e.g. a new emoji) must not come out as the
    intercepts' favourite with a high confidence: they get the intents' prior, also after
    the model is persisted and loaded."""
    extra = [_message([0, 0, 1, 1, 0, 0], "vent") for _ in range(3)]
    data = TrainingData(_training_data().training_examples + extra)
    classifier = _classifier(tmp_path)
    classifier.train(data)
    unknown, known = _message([0, 0, 0, 0, 0, 0]), _message([0, 0, 2, 1, 0, 0])
    classifier.process([unknown, known])
    assert unknown.get("intent") == {"name": "vent", "confidence": pytest.approx(9 / 21)}
    ranking = {r["name"]: r["confidence"] for r in unknown.get("intent_ranking")}
    assert ranking == pytest.approx({"vent": 9 / 21, "complain_quality": 6 / 21, "greet": 6 / 21})
    assert known.get("intent")["name"] == "vent"
    assert known.get("intent")["confidence"] > 0.9

    loaded = NormalizedLogisticRegressionClassifier.load(
        {**NormalizedLogisticRegressionClassifier.get_default_config()},
        LocalModelStorage(tmp_path),
        Resource("intent_classifier"),
        ExecutionContext(GraphSchema({}), "test", node_name="intent_classifier"),
    )
    again = _message([0, 0, 0, 0, 0, 0])
    loaded.process([again])
    assert again.get("intent") == {"name": "vent", "confidence": pytest.approx(9 / 21)}


def test_ranking_length_is_respected(tmp_path: Path) -> None:
    classifier = _classifier(tmp_path, ranking_length=2)
    classifier.train(_training_data())
    message = _message([2, 1, 0, 0, 0, 0])
    classifier.process([message])
    assert len(message.get("intent_ranking")) == 2
    assert message.get("intent") == message.get("intent_ranking")[0]
