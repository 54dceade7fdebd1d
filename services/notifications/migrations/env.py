"""Alembic environment of the notifications database."""

from notifications.adapters.tables import metadata
from tarifa.migrations import run_env

run_env(metadata)
