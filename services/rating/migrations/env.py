"""Alembic environment of the rating database."""

from rating.adapters.tables import metadata
from tarifa.migrations import run_env

run_env(metadata)
