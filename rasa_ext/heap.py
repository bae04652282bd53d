"""The loaded model kept out of the garbage collector's way.

A Rasa server holds its model as millions of Python objects. Python's collector walks all of
them in each full (oldest-generation) collection: a quarter of a second on these machines,
during which every customer being served waits, and under load those pauses were the slowest
percent of reply times. Once a model is loaded, its objects are moved to the permanent
generation (`gc.freeze`), so that full collections only walk what was created since; a model
loaded later (e.g. through the HTTP API) replaces them, and the previous one is freed.
"""
from __future__ import annotations

import gc
import logging
from typing import Any

from rasa.core.agent import Agent

from rasa_ext.originals import rasa_original

logger = logging.getLogger(__name__)


def _load_model(self: Agent, *args: Any, **kwargs: Any) -> None:
    gc.unfreeze()  # the previous model's objects can be collected again
    rasa_original(Agent, "load_model")(self, *args, **kwargs)
    gc.collect()
    gc.freeze()
    logger.info("Model loaded; %d objects moved out of the garbage collector's way.", gc.get_freeze_count())

