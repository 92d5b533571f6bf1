"""row-level security for school data, early warning and imports (PostgreSQL only; a no-op on SQLite)

Covers the tables migration 0007 added: absence_records, absence_totals, grade_records, class_records,
warning_signals, warning_dismissals, warning_notices (municipality or the pupil's reach), import_batches
(institution or municipality) and the batch's rows (import_problems, import_upload_chunks,
import_staged_*). warning_runs holds counts only and stays uncovered. The statements are a frozen copy
of caseflow/access/rls.py SCHOOL_DATA_POLICIES at this revision (see docs/rls.md).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 10:00:00.000000
"""
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

UPGRADE_SQL = [
    'ALTER TABLE absence_records ENABLE ROW LEVEL SECURITY',
    'DROP POLICY IF EXISTS caseflow_by_municipality ON absence_records',
    'CREATE POLICY caseflow_by_municipality ON absence_records USING (caseflow_everywhere() OR municipality_id = ANY (caseflow_municipalities()) OR caseflow_pupil_reachable(pupil_id)) WITH CHECK (caseflow_everywhere() OR municipality_id = ANY (caseflow_municipalities()) OR caseflow_pupil_reachable(pupil_id))',
    'ALTER TABLE absence_totals ENABLE ROW LEVEL SECURITY',
    'DROP POLICY IF EXISTS caseflow_by_municipality ON absence_totals',
    'CREATE POLICY caseflow_by_municipality ON absence_totals USING (caseflow_everywhere() OR municipality_id = ANY (caseflow_municipalities()) OR caseflow_pupil_reachable(pupil_id)) WITH CHECK (caseflow_everywhere() OR municipality_id = ANY (caseflow_municipalities()) OR caseflow_pupil_reachable(pupil_id))',
    'ALTER TABLE grade_records ENABLE ROW LEVEL SECURITY',
    'DROP POLICY IF EXISTS caseflow_by_municipality ON grade_records',
    'CREATE POLICY caseflow_by_municipality ON grade_records USING (caseflow_everywhere() OR municipality_id = ANY (caseflow_municipalities()) OR caseflow_pupil_reachable(pupil_id)) WITH CHECK (caseflow_everywhere() OR municipality_id = ANY (caseflow_municipalities()) OR caseflow_pupil_reachable(pupil_id))',
    'ALTER TABLE class_records ENABLE ROW LEVEL SECURITY',
    'DROP POLICY IF EXISTS caseflow_by_municipality ON class_records',
    'CREATE POLICY caseflow_by_municipality ON class_records USING (caseflow_everywhere() OR municipality_id = ANY (caseflow_municipalities()) OR caseflow_pupil_reachable(pupil_id)) WITH CHECK (caseflow_everywhere() OR municipality_id = ANY (caseflow_municipalities()) OR caseflow_pupil_reachable(pupil_id))',
    'ALTER TABLE warning_signals ENABLE ROW LEVEL SECURITY',
    'DROP POLICY IF EXISTS caseflow_by_municipality ON warning_signals',
    'CREATE POLICY caseflow_by_municipality ON warning_signals USING (caseflow_everywhere() OR municipality_id = ANY (caseflow_municipalities()) OR caseflow_pupil_reachable(pupil_id)) WITH CHECK (caseflow_everywhere() OR municipality_id = ANY (caseflow_municipalities()) OR caseflow_pupil_reachable(pupil_id))',
    'ALTER TABLE warning_dismissals ENABLE ROW LEVEL SECURITY',
    'DROP POLICY IF EXISTS caseflow_by_municipality ON warning_dismissals',
    'CREATE POLICY caseflow_by_municipality ON warning_dismissals USING (caseflow_everywhere() OR municipality_id = ANY (caseflow_municipalities()) OR caseflow_pupil_reachable(pupil_id)) WITH CHECK (caseflow_everywhere() OR municipality_id = ANY (caseflow_municipalities()) OR caseflow_pupil_reachable(pupil_id))',
    'ALTER TABLE warning_notices ENABLE ROW LEVEL SECURITY',
    'DROP POLICY IF EXISTS caseflow_by_municipality ON warning_notices',
    'CREATE POLICY caseflow_by_municipality ON warning_notices USING (caseflow_everywhere() OR municipality_id = ANY (caseflow_municipalities()) OR caseflow_pupil_reachable(pupil_id)) WITH CHECK (caseflow_everywhere() OR municipality_id = ANY (caseflow_municipalities()) OR caseflow_pupil_reachable(pupil_id))',
    'ALTER TABLE import_batches ENABLE ROW LEVEL SECURITY',
    'DROP POLICY IF EXISTS caseflow_by_municipality ON import_batches',
    'CREATE POLICY caseflow_by_municipality ON import_batches USING (institution_id = ANY (caseflow_institutions()) OR municipality_id = ANY (caseflow_municipalities())) WITH CHECK (institution_id = ANY (caseflow_institutions()) OR municipality_id = ANY (caseflow_municipalities()))',
    'ALTER TABLE import_problems ENABLE ROW LEVEL SECURITY',
    'DROP POLICY IF EXISTS caseflow_by_municipality ON import_problems',
    'CREATE POLICY caseflow_by_municipality ON import_problems USING (batch_id IN (SELECT id FROM import_batches WHERE institution_id = ANY (caseflow_institutions()) OR municipality_id = ANY (caseflow_municipalities()))) WITH CHECK (batch_id IN (SELECT id FROM import_batches WHERE institution_id = ANY (caseflow_institutions()) OR municipality_id = ANY (caseflow_municipalities())))',
    'ALTER TABLE import_upload_chunks ENABLE ROW LEVEL SECURITY',
    'DROP POLICY IF EXISTS caseflow_by_municipality ON import_upload_chunks',
    'CREATE POLICY caseflow_by_municipality ON import_upload_chunks USING (batch_id IN (SELECT id FROM import_batches WHERE institution_id = ANY (caseflow_institutions()) OR municipality_id = ANY (caseflow_municipalities()))) WITH CHECK (batch_id IN (SELECT id FROM import_batches WHERE institution_id = ANY (caseflow_institutions()) OR municipality_id = ANY (caseflow_municipalities())))',
    'ALTER TABLE import_staged_absences ENABLE ROW LEVEL SECURITY',
    'DROP POLICY IF EXISTS caseflow_by_municipality ON import_staged_absences',
    'CREATE POLICY caseflow_by_municipality ON import_staged_absences USING (batch_id IN (SELECT id FROM import_batches WHERE institution_id = ANY (caseflow_institutions()) OR municipality_id = ANY (caseflow_municipalities()))) WITH CHECK (batch_id IN (SELECT id FROM import_batches WHERE institution_id = ANY (caseflow_institutions()) OR municipality_id = ANY (caseflow_municipalities())))',
    'ALTER TABLE import_staged_totals ENABLE ROW LEVEL SECURITY',
    'DROP POLICY IF EXISTS caseflow_by_municipality ON import_staged_totals',
    'CREATE POLICY caseflow_by_municipality ON import_staged_totals USING (batch_id IN (SELECT id FROM import_batches WHERE institution_id = ANY (caseflow_institutions()) OR municipality_id = ANY (caseflow_municipalities()))) WITH CHECK (batch_id IN (SELECT id FROM import_batches WHERE institution_id = ANY (caseflow_institutions()) OR municipality_id = ANY (caseflow_municipalities())))',
    'ALTER TABLE import_staged_grades ENABLE ROW LEVEL SECURITY',
    'DROP POLICY IF EXISTS caseflow_by_municipality ON import_staged_grades',
    'CREATE POLICY caseflow_by_municipality ON import_staged_grades USING (batch_id IN (SELECT id FROM import_batches WHERE institution_id = ANY (caseflow_institutions()) OR municipality_id = ANY (caseflow_municipalities()))) WITH CHECK (batch_id IN (SELECT id FROM import_batches WHERE institution_id = ANY (caseflow_institutions()) OR municipality_id = ANY (caseflow_municipalities())))',
    'ALTER TABLE import_staged_enrolments ENABLE ROW LEVEL SECURITY',
    'DROP POLICY IF EXISTS caseflow_by_municipality ON import_staged_enrolments',
    'CREATE POLICY caseflow_by_municipality ON import_staged_enrolments USING (batch_id IN (SELECT id FROM import_batches WHERE institution_id = ANY (caseflow_institutions()) OR municipality_id = ANY (caseflow_municipalities()))) WITH CHECK (batch_id IN (SELECT id FROM import_batches WHERE institution_id = ANY (caseflow_institutions()) OR municipality_id = ANY (caseflow_municipalities())))',
]

DOWNGRADE_SQL = [
    'DROP POLICY IF EXISTS caseflow_by_municipality ON absence_records',
    'ALTER TABLE absence_records DISABLE ROW LEVEL SECURITY',
    'DROP POLICY IF EXISTS caseflow_by_municipality ON absence_totals',
    'ALTER TABLE absence_totals DISABLE ROW LEVEL SECURITY',
    'DROP POLICY IF EXISTS caseflow_by_municipality ON grade_records',
    'ALTER TABLE grade_records DISABLE ROW LEVEL SECURITY',
    'DROP POLICY IF EXISTS caseflow_by_municipality ON class_records',
    'ALTER TABLE class_records DISABLE ROW LEVEL SECURITY',
    'DROP POLICY IF EXISTS caseflow_by_municipality ON warning_signals',
    'ALTER TABLE warning_signals DISABLE ROW LEVEL SECURITY',
    'DROP POLICY IF EXISTS caseflow_by_municipality ON warning_dismissals',
    'ALTER TABLE warning_dismissals DISABLE ROW LEVEL SECURITY',
    'DROP POLICY IF EXISTS caseflow_by_municipality ON warning_notices',
    'ALTER TABLE warning_notices DISABLE ROW LEVEL SECURITY',
    'DROP POLICY IF EXISTS caseflow_by_municipality ON import_batches',
    'ALTER TABLE import_batches DISABLE ROW LEVEL SECURITY',
    'DROP POLICY IF EXISTS caseflow_by_municipality ON import_problems',
    'ALTER TABLE import_problems DISABLE ROW LEVEL SECURITY',
    'DROP POLICY IF EXISTS caseflow_by_municipality ON import_upload_chunks',
    'ALTER TABLE import_upload_chunks DISABLE ROW LEVEL SECURITY',
    'DROP POLICY IF EXISTS caseflow_by_municipality ON import_staged_absences',
    'ALTER TABLE import_staged_absences DISABLE ROW LEVEL SECURITY',
    'DROP POLICY IF EXISTS caseflow_by_municipality ON import_staged_totals',
    'ALTER TABLE import_staged_totals DISABLE ROW LEVEL SECURITY',
    'DROP POLICY IF EXISTS caseflow_by_municipality ON import_staged_grades',
    'ALTER TABLE import_staged_grades DISABLE ROW LEVEL SECURITY',
    'DROP POLICY IF EXISTS caseflow_by_municipality ON import_staged_enrolments',
    'ALTER TABLE import_staged_enrolments DISABLE ROW LEVEL SECURITY',
]


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in UPGRADE_SQL:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in DOWNGRADE_SQL:
            op.execute(statement)
