"""Operator command: replay a consumer's dead-letter queue.

    python -m tarifa.messaging.replay rating.usage.ingest [--limit N] [--amqp-url URL]

The broker URL defaults to ``TARIFA_AMQP_URL`` (the services' setting). Replay a queue once the
cause of its dead letters is mended: a message that still fails for its content is parked again.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys

from tarifa.messaging.dead_letters import dead_letter_queue, replay_dead_letters

__all__ = ["main"]

DEFAULT_AMQP_URL = "amqp://guest:guest@127.0.0.1:5672/"


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m tarifa.messaging.replay",
                                     description="Move a dead-letter queue's messages back.")
    parser.add_argument("queue", help="the consumer queue, e.g. rating.usage.ingest")
    parser.add_argument("--limit", type=int, default=None, help="at most this many messages")
    parser.add_argument("--amqp-url", default=os.environ.get("TARIFA_AMQP_URL", DEFAULT_AMQP_URL))
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    moved = asyncio.run(replay_dead_letters(args.amqp_url, args.queue, limit=args.limit))
    print(f"replayed {moved} message(s) from {dead_letter_queue(args.queue)} to {args.queue}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
