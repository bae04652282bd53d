"""Logistic-regression intent classifier on binary, length-normalised sparse features.

Rasa's LogisticRegressionClassifier fits scikit-learn's LogisticRegression (C=1) on the raw
feature counts. With ~20 000 sparse features (Jieba words, character n-grams, regex/lookup
cues) that is strongly regularised: the probabilities it returns are flat, so many correct
predictions fall below the FallbackClassifier threshold, and long messages (many counts)
weigh more than short ones. This subclass

- turns every feature into presence/absence (a character repeated in "烦烦烦烦烦" counts once),
- scales each message's feature vector to unit L2 length (short and long messages alike),
- lets the regularisation strength `C` be configured (default 100, chosen by
  cross-validation with scripts/nlu_eval.py: intent macro-F1 and confidence calibration
  are flat between C=100 and C=300 and worse below 30),
- gives a message without any known feature the intents' prior (the share of training
  examples) instead of a confident guess,
- gives a message with no content (no letter, digit or pictograph at all: "&&&&", "。。。"; or
  only features every training example has, such as an unseen filler syllable "喵喵喵喵" or an
  emoji no example uses) the prior
  too: the fallback answers it, never `affirm` that could confirm a form's read-back,
- and decides in layers (config `complaint_layer`, rasa_ext/complaint_layer.py): is it a
  complaint at all, whatever intent leads.

Training and persistence (skops) are the parent's.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text, Tuple


import numpy as np
from scipy.sparse import csr_matrix
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import normalize

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from rasa.utils.tensorflow.constants import RANKING_LENGTH

from bot.metadata import READING_IF_UNASKED_KEY
from rasa_ext.complaint_layer import (
    ComplaintLayer, answer_plain_questions, has_content, keep_praise, reading_if_unasked, take_up_complaints,
    take_up_named_problems,
)


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True
)
class NormalizedLogisticRegressionClassifier(LogisticRegressionClassifier):
    """LogisticRegressionClassifier on binary, L2-normalised features with a configurable C."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """The parent's options plus `C`, `binary`, `normalize` and `class_weight`."""
        return {
            **LogisticRegressionClassifier.get_default_config(),
            "max_iter": 1000,
            # Inverse regularisation strength of the logistic regression.
            "C": 100.0,
            # Use feature presence (1/0) instead of counts.
            "binary": True,
            # Scale each message's feature vector to unit L2 norm.
            "normalize": True,
            # "balanced" (as Rasa's classifier) or null for no class weights.
            "class_weight": "balanced",
            # Is it a complaint at all, before which one: {intents, general, below, at_least};
            # empty for one flat list of intents (see `take_up_complaints`).
            "complaint_layer": {},
        }

    def __init__(
        self,
        config: Dict[Text, Any],
        name: Text,
        model_storage: ModelStorage,
        resource: Resource,
    ) -> None:
        """Builds the parent, then replaces its estimator by one with the configured C."""
        super().__init__(config, name, model_storage, resource)
        self.config = {**self.get_default_config(), **config}
        self.clf = LogisticRegression(
            C=float(self.config["C"]),
            solver=self.config["solver"],
            max_iter=self.config["max_iter"],
            class_weight=self.config["class_weight"],
            tol=self.config["tol"],
            random_state=self.config["random_state"],
            dual=False,
            fit_intercept=True,
            intercept_scaling=1,
            multi_class="auto",
            verbose=0,
            warm_start=False,
            n_jobs=None,
            l1_ratio=None,
        )

    def _create_X(self, messages: List[Message]) -> csr_matrix:
        """The parent's feature matrix (each message's sentence-level text features, the
        featurizers' blocks side by side), binarised and row-normalised as configured."""
        X = _sentence_features(messages)
        if X is None:
            X = csr_matrix(super()._create_X(messages), dtype=np.float64)
        if self.config["binary"]:
            X.data = (X.data != 0).astype(np.float64)
            X.eliminate_zeros()
        if self.config["normalize"]:
            X = normalize(X, norm="l2", copy=False)
        return X

    def process(self, messages: List[Message]) -> List[Message]:
        """Sets each message's intent and ranking, as the parent does.

        A message none of whose words, character n-grams or cues was seen in training has an
        all-zero feature vector, and the logistic regression would return the intercepts'
        favourite with a high confidence (an unseen emoji came out as `affirm` at 0.9). Such a
        message gets the intents' share of the training examples instead (no evidence: the
        prior), far below any fallback threshold, so the FallbackClassifier answers
        nlu_fallback.
        """
        if not messages:
            return messages
        if not self.clf.coef_.flags["F_CONTIGUOUS"]:
            # predict_proba multiplies the sparse features by coef_.T; stored row-major, that
            # transpose was copied on every call (5 ms a message, a tenth of a turn).
            self.clf.coef_ = np.asfortranarray(self.clf.coef_)
        X = self._create_X(messages)
        probabilities = self.clf.predict_proba(X)
        empty = np.array([not has_content(m.get(TEXT) or "") for m in messages]) | self._featureless(X)
        if empty.any():
            probabilities[empty] = self._prior()
        layer = ComplaintLayer.from_config(self.config["complaint_layer"]) if self.config["complaint_layer"] else None
        for message, row, no_features in zip(messages, probabilities, empty):
            ranking = sorted(
                ({"name": str(name), "confidence": float(p)} for name, p in zip(self.clf.classes_, row)),
                key=lambda r: -r["confidence"],
            )
            if layer is not None and not no_features:  # the prior says nothing about this message
                ranking = take_up_complaints(ranking, layer)
                ranking = take_up_named_problems(ranking, message.get(TEXT) or "", layer)
                ranking = keep_praise(ranking, message.get(TEXT) or "", layer)
                ranking = answer_plain_questions(ranking, message.get(TEXT) or "", layer)
                unasked = reading_if_unasked(ranking, message.get(TEXT) or "", layer)
                if unasked is not None:
                    message.set(READING_IF_UNASKED_KEY, unasked[: self.config[RANKING_LENGTH] or None],
                                add_to_output=True)
            message.set("intent", ranking[0], add_to_output=True)
            if self.config[RANKING_LENGTH] > 0:
                ranking = ranking[: self.config[RANKING_LENGTH]]
            message.set("intent_ranking", ranking, add_to_output=True)
        return messages

    def _create_training_matrix(self, training_data: TrainingData) -> Tuple[csr_matrix, List[str]]:
        """The parent's (X, y), noting the features every example has (`background_`): a
        message with none but those (char_wb's padding, say) has no features of its own."""
        X, y = super()._create_training_matrix(training_data)
        if X.shape[0]:
            counts = np.asarray((X != 0).sum(axis=0)).ravel()
            self.clf.background_ = np.flatnonzero(counts == X.shape[0])
        return X, y

    def _featureless(self, X: csr_matrix) -> np.ndarray:
        """Per row of X: no feature but the background's (none at all, or only those every
        training example has)."""
        background = getattr(self.clf, "background_", None)
        if background is None or not len(background):
            return np.diff(X.indptr) == 0
        return np.array([np.isin(X.indices[X.indptr[i]:X.indptr[i + 1]], background).all()
                         for i in range(X.shape[0])], dtype=bool)

    def train(self, training_data: TrainingData) -> Resource:
        """Fits the logistic regression (the parent) and keeps the intents' prior with it."""
        intents = [e.get(INTENT) for e in training_data.intent_examples if e.get(INTENT) and e.get(TEXT)]
        if intents:
            # In the order of clf.classes_ (sorted, as np.unique); stored on the estimator so
            # that the parent's skops file persists it.
            _, counts = np.unique(np.asarray(intents), return_counts=True)
            self.clf.class_prior_ = counts / counts.sum()
        return super().train(training_data)

    def _prior(self) -> np.ndarray:
        prior = getattr(self.clf, "class_prior_", None)
        if prior is None or len(prior) != len(self.clf.classes_):
            return np.full(len(self.clf.classes_), 1.0 / len(self.clf.classes_))
        return np.asarray(prior, dtype=np.float64)

    @classmethod
    def validate_config(cls, config: Dict[Text, Any]) -> None:
        """Rejects a non-positive C or an unknown class weighting."""
        if float(config.get("C", 1.0)) <= 0:
            raise ValueError(f"{cls.__name__}: C must be positive, got {config.get('C')}")
        if config.get("class_weight", "balanced") not in ("balanced", None):
            raise ValueError(f"{cls.__name__}: class_weight must be 'balanced' or null")
        if config.get("complaint_layer"):
            ComplaintLayer.from_config(config["complaint_layer"])


def _sentence_features(messages: List[Message]) -> Optional[csr_matrix]:
    """The matrix the parent's `_create_X` builds, for messages with sparse features only:
    assembled from the blocks' coordinates at once (the parent deep-copies and stacks each
    block with scipy, a tenth of a turn). None when a message has dense text features."""
    data, columns, lengths, width = [], [], [], None
    for message in messages:
        offset, row_length = 0, 0
        for features in message.features:
            if features.attribute != TEXT or features.type != FEATURE_TYPE_SENTENCE:
                continue
            if not features.is_sparse():
                return None
            block = features.features.tocoo()
            data.append(block.data)
            columns.append(block.col + offset)
            row_length += block.nnz
            offset += block.shape[1]
        if width is not None and offset != width:
            return None  # messages featurized differently: let the parent report it
        width = offset
        lengths.append(row_length)
    if not width:
        return None
    indptr = np.concatenate(([0], np.cumsum(lengths)))
    X = csr_matrix((np.concatenate(data).astype(np.float64), np.concatenate(columns), indptr),
                   shape=(len(messages), width))
    X.sum_duplicates()
    return X
