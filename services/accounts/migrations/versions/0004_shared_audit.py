"""The audit log becomes the suite's ``audit`` table (``tarifa.audit``): actor and role apart,
target type and id, before and after, correlation id. Existing rows move over (their data as
``after``; ``event:`` and ``system:`` actors as the system role).

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB
from tarifa.migrations import create_audit_table

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_TO_AUDIT = """
INSERT INTO audit (at, actor, actor_role, action, target_type, target_id, after)
SELECT at,
       CASE WHEN split_part(actor, ':', 1) IN ('event', 'system') THEN actor
            ELSE substr(actor, strpos(actor, ':') + 1) END,
       CASE WHEN split_part(actor, ':', 1) IN ('event', 'system') OR strpos(actor, ':') = 0
            THEN 'system' ELSE split_part(actor, ':', 1) END,
       action, entity, entity_id, data
FROM audit_log ORDER BY id
"""

_TO_AUDIT_LOG = """
INSERT INTO audit_log (at, actor, action, entity, entity_id, data)
SELECT at, CASE WHEN actor_role = 'system' THEN actor ELSE actor_role || ':' || actor END,
       action, target_type, left(target_id, 64), coalesce(after, '{}'::jsonb)
FROM audit ORDER BY id
"""


def _audit_log() -> None:
    op.create_table(
        "audit_log",
        sa.Column("id", sa.BigInteger(), sa.Identity(), primary_key=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("entity", sa.String(32), nullable=False),
        sa.Column("entity_id", sa.String(64), nullable=False),
        sa.Column("data", JSONB, nullable=False),
    )
    op.create_index("audit_log_entity", "audit_log", ["entity", "entity_id"])


def upgrade() -> None:
    create_audit_table()
    op.execute(_TO_AUDIT)
    op.drop_table("audit_log")


def downgrade() -> None:
    _audit_log()
    op.execute(_TO_AUDIT_LOG)
    op.drop_table("audit")
