"""Benchmarks beside each other: ``tests/bench`` is no package, so a bench loads another by path."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

__all__ = ["beside"]


def beside(file: str, name: str) -> ModuleType:
    """The module ``<name>.py`` in the folder of ``file`` (a caller's ``__file__``), loaded by
    path as ``bench_<name>`` and run afresh on each call."""
    spec = importlib.util.spec_from_file_location(f"bench_{name}", Path(file).with_name(f"{name}.py"))
    if spec is None or spec.loader is None:
        raise ImportError(f"no module {name} beside {file}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
