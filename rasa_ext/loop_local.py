"""Objects bound to one asyncio event loop (client sessions, semaphores), kept for the running
loop: a Rasa server has one, tests start a new one per test."""
from __future__ import annotations

import asyncio
from typing import Callable, Dict, Hashable, Tuple, TypeVar

T = TypeVar("T")

#: The registry type: key -> (the loop the object belongs to, the object).
Registry = Dict[Hashable, Tuple[asyncio.AbstractEventLoop, T]]


def loop_local(registry: Registry, key: Hashable, make: Callable[[], T],
               usable: Callable[[T], bool] = lambda _: True) -> T:
    """The object kept under `key` for the running loop; made (and kept) anew when there is none,
    it belongs to another loop, or it is no longer `usable`."""
    loop = asyncio.get_running_loop()
    owner, value = registry.get(key, (None, None))
    if value is None or owner is not loop or not usable(value):
        value = make()
        registry[key] = (loop, value)
    return value
