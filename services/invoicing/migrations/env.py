"""Alembic environment of the invoicing database."""

from invoicing.adapters.tables import metadata
from tarifa.migrations import run_env

run_env(metadata)
