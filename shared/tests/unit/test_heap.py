"""A started service's heap is frozen and its young objects collected less often (in a child
process, so this test process keeps CPython's defaults)."""

from __future__ import annotations

import subprocess
import sys

CHILD = """
import gc
from tarifa.heap import YOUNG, settle_heap
before = gc.get_threshold()
settle_heap()
print(gc.get_freeze_count() > 1000, gc.get_threshold() == (YOUNG, *before[1:]), before[0] < YOUNG)
"""


def test_the_started_heap_is_frozen_and_young_objects_wait_longer() -> None:
    done = subprocess.run([sys.executable, "-c", CHILD], capture_output=True, text=True,
                          check=True)
    assert done.stdout.split() == ["True", "True", "True"], done.stdout + done.stderr
