"""The rating policy of a deployment (from its settings)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

__all__ = ["RatingPolicy"]


@dataclass(frozen=True, slots=True)
class RatingPolicy:
    late_usage: timedelta
    """How late a usage record may arrive, counted from its start."""
