"""Job leases: each periodic job runs once per period across every worker.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 14:49:50.152434
"""
from alembic import op
import sqlalchemy as sa
import caseflow.db


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('job_leases',
    sa.Column('job', sa.String(length=60), nullable=False),
    sa.Column('period', sa.String(length=40), nullable=False),
    sa.Column('claimed_at', caseflow.db.UTCDateTime(), nullable=False),
    sa.Column('holder', sa.String(length=120), nullable=False),
    sa.PrimaryKeyConstraint('job', 'period', name=op.f('pk_job_leases'))
    )


def downgrade() -> None:
    op.drop_table('job_leases')
