"""lean absence records, unlogged staging

absence_records (millions of rows a semester, written only by a confirmed import) keeps its primary key,
its natural key and one index by pupil and day; its foreign keys and three indexes no query used go (each
cost a look-up or an index write per inserted row). The import_staged_* tables
lose their foreign key to the batch and become UNLOGGED on PostgreSQL. See docs/decisions.md, 21.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 11:47:00.865092
"""
from alembic import op


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


STAGING = ("import_staged_absences", "import_staged_enrolments", "import_staged_grades", "import_staged_totals")


def upgrade() -> None:
    with op.batch_alter_table('absence_records', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_absence_records_batch_id'))
        batch_op.drop_index(batch_op.f('ix_absence_records_pupil_semester'))
        batch_op.drop_index(batch_op.f('ix_absence_records_school_semester'))
        batch_op.drop_constraint(batch_op.f('fk_absence_records_semester_id_semesters'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_absence_records_school_id_institutions'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_absence_records_municipality_id_municipalities'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_absence_records_batch_id_import_batches'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_absence_records_pupil_id_pupils'), type_='foreignkey')

    with op.batch_alter_table('import_staged_absences', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_import_staged_absences_batch_id_import_batches'), type_='foreignkey')

    with op.batch_alter_table('import_staged_enrolments', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_import_staged_enrolments_batch_id_import_batches'), type_='foreignkey')

    with op.batch_alter_table('import_staged_grades', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_import_staged_grades_batch_id_import_batches'), type_='foreignkey')

    with op.batch_alter_table('import_staged_totals', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_import_staged_totals_batch_id_import_batches'), type_='foreignkey')

    if op.get_bind().dialect.name == "postgresql":
        for table in STAGING:
            op.execute(f"ALTER TABLE {table} SET UNLOGGED")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in STAGING:
            op.execute(f"ALTER TABLE {table} SET LOGGED")
    with op.batch_alter_table('import_staged_totals', schema=None) as batch_op:
        batch_op.create_foreign_key(batch_op.f('fk_import_staged_totals_batch_id_import_batches'), 'import_batches', ['batch_id'], ['id'], ondelete='CASCADE')

    with op.batch_alter_table('import_staged_grades', schema=None) as batch_op:
        batch_op.create_foreign_key(batch_op.f('fk_import_staged_grades_batch_id_import_batches'), 'import_batches', ['batch_id'], ['id'], ondelete='CASCADE')

    with op.batch_alter_table('import_staged_enrolments', schema=None) as batch_op:
        batch_op.create_foreign_key(batch_op.f('fk_import_staged_enrolments_batch_id_import_batches'), 'import_batches', ['batch_id'], ['id'], ondelete='CASCADE')

    with op.batch_alter_table('import_staged_absences', schema=None) as batch_op:
        batch_op.create_foreign_key(batch_op.f('fk_import_staged_absences_batch_id_import_batches'), 'import_batches', ['batch_id'], ['id'], ondelete='CASCADE')

    with op.batch_alter_table('absence_records', schema=None) as batch_op:
        batch_op.create_foreign_key(batch_op.f('fk_absence_records_batch_id_import_batches'), 'import_batches', ['batch_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_absence_records_pupil_id_pupils'), 'pupils', ['pupil_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_absence_records_municipality_id_municipalities'), 'municipalities', ['municipality_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_absence_records_school_id_institutions'), 'institutions', ['school_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_absence_records_semester_id_semesters'), 'semesters', ['semester_id'], ['id'])
        batch_op.create_index(batch_op.f('ix_absence_records_school_semester'), ['school_id', 'semester_id', 'kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_absence_records_pupil_semester'), ['pupil_id', 'semester_id', 'kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_absence_records_batch_id'), ['batch_id'], unique=False)
