"""``make bench``: every benchmark, each printing its figure next to a same-run baseline."""

from __future__ import annotations

import asyncio
import inspect
import sys

from tarifa.testing.modules import beside

BENCHES = ("rating", "mixed", "fees", "ebills", "statements", "daily_jobs", "emails",
           "month_end")


def main() -> int:
    selected = sys.argv[1:] or list(BENCHES)
    for name in selected:
        print(f"== {name} ==", flush=True)
        entry = beside(__file__, name).main
        result = entry()
        if inspect.isawaitable(result):
            asyncio.run(result)  # type: ignore[arg-type]
    return 0


if __name__ == "__main__":
    sys.exit(main())
