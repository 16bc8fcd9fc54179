"""The cyclic garbage collector, paused while hthc builds many small objects and no cycles."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic collector for the block (nested blocks are fine).

    Loading, parsing and writing allocate hundreds of thousands of tokens and nodes that
    hold no reference cycles; the collector's passes over them cost a third of the time of
    a large render and find nothing to free. Reference counting still frees them.
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()
