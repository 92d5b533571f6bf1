"""case list indexes: the work list's sort orders (last change, opening date)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03 16:10:00.000000
"""
from alembic import op


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.create_index('ix_cases_updated', ['updated_at', 'id'], unique=False)
        batch_op.create_index('ix_cases_opened', ['opened_on', 'id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index('ix_cases_opened')
        batch_op.drop_index('ix_cases_updated')
