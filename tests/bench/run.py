"""``make bench``: every benchmark, each printing its figure next to a same-run baseline."""

from __future__ import annotations

import asyncio
import importlib.util
import inspect
import sys
from pathlib import Path
from types import ModuleType

BENCHES = ("rating", "mixed", "fees", "ebills", "statements", "daily_jobs", "emails",
           "month_end")


def _load(name: str) -> ModuleType:
    path = Path(__file__).with_name(f"{name}.py")
    spec = importlib.util.spec_from_file_location(f"bench_{name}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main() -> int:
    selected = sys.argv[1:] or list(BENCHES)
    for name in selected:
        print(f"== {name} ==", flush=True)
        entry = _load(name).main
        result = entry()
        if inspect.isawaitable(result):
            asyncio.run(result)  # type: ignore[arg-type]
    return 0


if __name__ == "__main__":
    sys.exit(main())
