"""Message templates: Python ``string.Template`` text with ``$placeholders``.

A template may use only the placeholders its event offers; anything else is refused when the
template is stored, so rendering never meets an unknown name.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from string import Template

__all__ = ["MessageTemplate", "RenderedMessage", "TemplateError", "TemplateKey"]


class TemplateError(ValueError):
    """Template text that cannot be used: bad ``$`` syntax or an unknown placeholder."""

    def __init__(self, message: str, *, field: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True, slots=True)
class TemplateKey:
    event: str
    channel: str
    language: str


@dataclass(frozen=True, slots=True)
class RenderedMessage:
    subject: str | None
    body: str


def _check_text(text: str, allowed: frozenset[str], field: str) -> None:
    template = Template(text)
    if not template.is_valid():
        raise TemplateError("a $ must start a placeholder ($name or ${name}) or be written $$",
                            field=field)
    unknown = sorted(set(template.get_identifiers()) - allowed)
    if unknown:
        raise TemplateError(f"unknown placeholders: {', '.join(unknown)}; "
                            f"known: {', '.join(sorted(allowed))}", field=field)


@dataclass(frozen=True, slots=True)
class MessageTemplate:
    body: str
    subject: str | None = None

    def check(self, allowed: frozenset[str]) -> None:
        """Refuse text that could not be rendered with the ``allowed`` placeholders."""
        if self.subject is not None:
            if "\n" in self.subject or "\r" in self.subject:
                raise TemplateError("a subject is one line", field="subject")
            _check_text(self.subject, allowed, "subject")
        _check_text(self.body, allowed, "body")

    def render(self, values: Mapping[str, str]) -> RenderedMessage:
        """The message text; the subject stays one line whatever the values hold."""
        subject = None
        if self.subject is not None:
            subject = " ".join(Template(self.subject).substitute(values).split())
        return RenderedMessage(subject, Template(self.body).substitute(values))
