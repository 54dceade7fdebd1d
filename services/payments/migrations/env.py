"""Alembic environment of the payments database."""

from payments.adapters.tables import metadata
from tarifa.migrations import run_env

run_env(metadata)
