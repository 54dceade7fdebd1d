"""Alembic environment of the accounts database."""

from accounts.adapters.tables import metadata
from tarifa.migrations import run_env

run_env(metadata)
