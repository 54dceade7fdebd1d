"""structlog set-up: stdout only, JSON off a terminal, context bound through contextvars."""

from __future__ import annotations

import logging
import sys
from typing import TextIO, cast

import structlog

__all__ = ["configure_logging", "get_logger"]

_SECRET_KEYS = frozenset({"code", "password", "secret", "client_secret", "token", "pan", "cvv"})


def _drop_secrets(
    _logger: object, _name: str, event: structlog.typing.EventDict
) -> structlog.typing.EventDict:
    """Codes, secrets and card data never reach a log line."""
    for key in _SECRET_KEYS & event.keys():
        event[key] = "***"
    return event


class _CurrentStdout:
    """Writes to ``sys.stdout`` as it is at each line, not as it was when logging was set up:
    loggers are cached on first use, and whoever redirects stdout later (a supervisor, a test's
    capture) still gets every line."""

    def write(self, text: str) -> int:
        return sys.stdout.write(text)

    def flush(self) -> None:
        sys.stdout.flush()


def configure_logging(service: str, *, json: bool | None = None, level: int = logging.INFO) -> None:
    """Configure structlog (and the standard library's root logger) for one service process."""
    as_json = (not sys.stdout.isatty()) if json is None else json
    renderer: structlog.typing.Processor = (
        structlog.processors.JSONRenderer() if as_json else structlog.dev.ConsoleRenderer()
    )
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            _drop_secrets,
            structlog.processors.format_exc_info,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(level),
        logger_factory=structlog.PrintLoggerFactory(cast(TextIO, _CurrentStdout())),
        cache_logger_on_first_use=True,
    )
    structlog.contextvars.bind_contextvars(service=service)
    logging.basicConfig(stream=sys.stdout, level=logging.WARNING, format="%(name)s %(message)s")


def get_logger(name: str) -> structlog.typing.FilteringBoundLogger:
    logger: structlog.typing.FilteringBoundLogger = structlog.get_logger(name)
    return logger
