"""Retention per data category: a retention record names its category and row; runs keep each
municipality's part.

Revision ID: 0006
Revises: 0005
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('retention_records', schema=None) as batch_op:
        batch_op.add_column(sa.Column('category', sa.String(length=30), nullable=True))
        batch_op.add_column(sa.Column('object_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('municipality_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('pupil_id', sa.Integer(), nullable=True))
    # the first version recorded closed cases only
    op.execute("UPDATE retention_records SET category = 'case', object_id = case_id, "
               "municipality_id = (SELECT cases.municipality_id FROM cases WHERE cases.id = retention_records.case_id), "
               "pupil_id = (SELECT cases.pupil_id FROM cases WHERE cases.id = retention_records.case_id)")
    with op.batch_alter_table('retention_records', schema=None) as batch_op:
        batch_op.alter_column('category', existing_type=sa.String(length=30), nullable=False)
        batch_op.alter_column('object_id', existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column('municipality_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_constraint(batch_op.f('uq_retention_records_case_id'), type_='unique')
        batch_op.drop_constraint(batch_op.f('fk_retention_records_case_id_cases'), type_='foreignkey')
        batch_op.create_index(batch_op.f('ix_retention_records_municipality_id'), ['municipality_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_retention_records_pupil_id'), ['pupil_id'], unique=False)
        batch_op.create_unique_constraint('uq_retention_records_category_object', ['category', 'object_id'])
        batch_op.create_foreign_key(batch_op.f('fk_retention_records_pupil_id_pupils'), 'pupils', ['pupil_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_retention_records_municipality_id_municipalities'),
                                    'municipalities', ['municipality_id'], ['id'])
        batch_op.drop_column('key_destroyed')
        batch_op.drop_column('case_id')
    with op.batch_alter_table('retention_runs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('summary', sa.JSON(), nullable=True))
    op.execute("UPDATE retention_runs SET summary = '{}'")
    with op.batch_alter_table('retention_runs', schema=None) as batch_op:
        batch_op.alter_column('summary', existing_type=sa.JSON(), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table('retention_runs', schema=None) as batch_op:
        batch_op.drop_column('summary')
    # only the closed cases' records fit the first version
    op.execute("DELETE FROM retention_records WHERE category <> 'case'")
    with op.batch_alter_table('retention_records', schema=None) as batch_op:
        batch_op.add_column(sa.Column('case_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('key_destroyed', sa.Boolean(), nullable=True))
    op.execute("UPDATE retention_records SET case_id = object_id, key_destroyed = false")
    with op.batch_alter_table('retention_records', schema=None) as batch_op:
        batch_op.alter_column('case_id', existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column('key_destroyed', existing_type=sa.Boolean(), nullable=False)
        batch_op.drop_constraint(batch_op.f('fk_retention_records_municipality_id_municipalities'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_retention_records_pupil_id_pupils'), type_='foreignkey')
        batch_op.drop_constraint('uq_retention_records_category_object', type_='unique')
        batch_op.drop_index(batch_op.f('ix_retention_records_pupil_id'))
        batch_op.drop_index(batch_op.f('ix_retention_records_municipality_id'))
        batch_op.create_foreign_key(batch_op.f('fk_retention_records_case_id_cases'), 'cases', ['case_id'], ['id'])
        batch_op.create_unique_constraint(batch_op.f('uq_retention_records_case_id'), ['case_id'])
        batch_op.drop_column('pupil_id')
        batch_op.drop_column('municipality_id')
        batch_op.drop_column('object_id')
        batch_op.drop_column('category')
