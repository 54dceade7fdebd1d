"""Tuning the cyclic garbage collector for a started service.

A service allocates tens of thousands of short-lived objects per batch or burst of requests
(records, entries, events), almost all freed by their reference counts. With CPython's defaults
each full collection walks the whole heap again (modules, the app, the engine, caches: about a
quarter of the CPU of a rated batch), and the youngest generation is collected every 700
allocations, scanning and promoting a batch's live objects over and over. Once started, the
heap held for good is moved out of the collector's reach (``gc.freeze``) and the youngest
generation is collected after ``YOUNG`` allocations; garbage made of cycles is still collected.
"""

from __future__ import annotations

import gc

__all__ = ["YOUNG", "settle_heap"]

YOUNG = 50_000


def settle_heap() -> None:
    """Freeze what the started service holds and collect young objects less often."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG, *gc.get_threshold()[1:])
