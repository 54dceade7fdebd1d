"""The CLI's exit codes: 0 done, 1 refused by the API, 2 a usage error, 3 a service unreachable.

Bad arguments and unreadable files raise ``typer.BadParameter`` (exit 2); the errors below are
caught by ``ExitCodes`` around every command, printed on stderr and turned into their code.
"""

from __future__ import annotations

import sys
from typing import Any

import typer
from typer.core import TyperGroup

__all__ = ["CliError", "ExitCodes", "NotLoggedIn", "Refused", "Unreachable"]


class CliError(Exception):
    exit_code = 1
    label = "error"


class Refused(CliError):
    """The API answered with a problem (4xx/5xx); its detail is what the user reads."""

    label = "refused"

    def __init__(self, status: int, problem: dict[str, Any]) -> None:
        self.status, self.problem = status, problem
        super().__init__(_describe(status, problem))


class Unreachable(CliError):
    exit_code = 3
    label = "unreachable"


class NotLoggedIn(CliError):
    """No usable token in the cache: a usage error until ``tarifa login``."""

    exit_code = 2
    label = "error"

    def __init__(self, reason: str) -> None:
        super().__init__(f"{reason}; run `tarifa login --client-id <id>` first")


class ExitCodes(TyperGroup):
    """The root command: a ``CliError`` anywhere below ends the process with its exit code."""

    def invoke(self, ctx: Any) -> Any:  # Typer's own (vendored) Click context
        try:
            return super().invoke(ctx)
        except CliError as error:
            print(f"{error.label}: {error}", file=sys.stderr)
            raise typer.Exit(error.exit_code) from error


def _describe(status: int, problem: dict[str, Any]) -> str:
    text = f"{status} {problem.get('title', '')}".strip()
    if problem.get("detail"):
        text += f": {problem['detail']}"
    for error in problem.get("errors") or []:
        text += f"\n  {error.get('field', '?')}: {error.get('message', '')}"
    return text
