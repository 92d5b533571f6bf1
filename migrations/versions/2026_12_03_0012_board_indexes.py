"""board indexes: a group's actions by status and deadline, open actions by deadline

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 16:00:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

#: row security's and the board's columns, carried in the indexes (PostgreSQL reads them without the table)
BOARD_COLUMNS = ['group_id', 'institution_id', 'case_id', 'municipality_id', 'supervisor_institution_id']
IS_OPEN = "status IN ('new', 'accepted', 'in_progress')"


def upgrade() -> None:
    with op.batch_alter_table('actions', schema=None) as batch_op:
        batch_op.create_index('ix_actions_group_due', ['group_id', 'status', 'due_on', 'id'], unique=False,
                              postgresql_include=BOARD_COLUMNS[1:])
        batch_op.create_index('ix_actions_open_due', ['due_on', 'id'], unique=False,
                              postgresql_include=BOARD_COLUMNS,
                              sqlite_where=sa.text(IS_OPEN), postgresql_where=sa.text(IS_OPEN))


def downgrade() -> None:
    with op.batch_alter_table('actions', schema=None) as batch_op:
        batch_op.drop_index('ix_actions_open_due', sqlite_where=sa.text(IS_OPEN), postgresql_where=sa.text(IS_OPEN))
        batch_op.drop_index('ix_actions_group_due')
