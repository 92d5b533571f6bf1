"""row-level security by municipality (PostgreSQL only; a no-op on SQLite)

The web role (`flask db grant-web-role NAME`) sees and writes only the rows of the municipalities in
its transaction's key; the owner, which runs this migration, the worker and CLI jobs, is not forced.
The statements are a frozen copy of caseflow/access/rls.py at this revision (see docs/rls.md).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 09:00:00.000000
"""
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

UPGRADE_SQL = [
    """CREATE OR REPLACE FUNCTION caseflow_municipalities() RETURNS integer[] LANGUAGE sql STABLE AS $$
    SELECT coalesce(CAST(string_to_array(nullif(current_setting('caseflow.municipalities', true), ''), ',')
                         AS integer[]), '{}') $$""",
    """CREATE OR REPLACE FUNCTION caseflow_institutions() RETURNS integer[] LANGUAGE sql STABLE AS $$
    SELECT coalesce(CAST(string_to_array(nullif(current_setting('caseflow.institutions', true), ''), ',')
                         AS integer[]), '{}') $$""",
    """CREATE OR REPLACE FUNCTION caseflow_user() RETURNS integer LANGUAGE sql STABLE AS $$
    SELECT CAST(nullif(current_setting('caseflow.user', true), '') AS integer) $$""",
    """CREATE OR REPLACE FUNCTION caseflow_everywhere() RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT coalesce(current_setting('caseflow.everywhere', true), '') = 'on' $$""",
    """CREATE OR REPLACE FUNCTION caseflow_group_in_reach(p_group integer) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path FROM CURRENT AS $$
    SELECT EXISTS (SELECT 1 FROM cooperation_groups g WHERE g.id = p_group AND g.municipality_id = ANY (caseflow_municipalities()))
        OR EXISTS (SELECT 1 FROM group_municipalities gm
                   WHERE gm.group_id = p_group AND gm.municipality_id = ANY (caseflow_municipalities()))
        OR EXISTS (SELECT 1 FROM group_members gs WHERE gs.group_id = p_group AND gs.institution_id = ANY (caseflow_institutions())) $$""",
    """CREATE OR REPLACE FUNCTION caseflow_case_shared(p_case integer) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path FROM CURRENT AS $$
    SELECT EXISTS (SELECT 1 FROM case_participants p JOIN institutions i ON i.id = p.institution_id
                   WHERE p.case_id = p_case AND p.ended_at IS NULL
                     AND (p.institution_id = ANY (caseflow_institutions()) OR i.municipality_id = ANY (caseflow_municipalities())))
        OR EXISTS (SELECT 1 FROM actions a WHERE a.case_id = p_case
                     AND (a.institution_id = ANY (caseflow_institutions()) OR a.supervisor_institution_id = ANY (caseflow_institutions())))
        OR EXISTS (SELECT 1 FROM agenda_items ai JOIN group_sessions s ON s.id = ai.session_id
                   WHERE ai.case_id = p_case AND caseflow_group_in_reach(s.group_id))
        OR EXISTS (SELECT 1 FROM case_team t
                   WHERE t.case_id = p_case AND t.user_id = caseflow_user() AND t.removed_at IS NULL)
        OR EXISTS (SELECT 1 FROM emergency_grants eg
                   WHERE eg.case_id = p_case AND eg.user_id = caseflow_user() AND eg.expires_at > now()) $$""",
    """CREATE OR REPLACE FUNCTION caseflow_case_shared_as(p_case integer, p_municipality integer)
    RETURNS boolean LANGUAGE sql STABLE SECURITY DEFINER SET search_path FROM CURRENT AS $$
    SELECT EXISTS (SELECT 1 FROM cases c WHERE c.id = p_case AND c.municipality_id = p_municipality)
       AND caseflow_case_shared(p_case) $$""",
    """CREATE OR REPLACE FUNCTION caseflow_case_reachable(p_case integer) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path FROM CURRENT AS $$
    SELECT caseflow_everywhere()
        OR EXISTS (SELECT 1 FROM cases c WHERE c.id = p_case AND c.municipality_id = ANY (caseflow_municipalities()))
        OR caseflow_case_shared(p_case) $$""",
    """CREATE OR REPLACE FUNCTION caseflow_pupil_reachable(p_pupil integer) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path FROM CURRENT AS $$
    SELECT caseflow_everywhere()
        OR EXISTS (SELECT 1 FROM pupils p WHERE p.id = p_pupil
                     AND (p.declared_municipality_id = ANY (caseflow_municipalities()) OR p.created_by_institution_id = ANY (caseflow_institutions())))
        OR EXISTS (SELECT 1 FROM enrolments e JOIN institutions i ON i.id = e.school_id
                   WHERE e.pupil_id = p_pupil AND i.municipality_id = ANY (caseflow_municipalities()))
        OR EXISTS (SELECT 1 FROM cases c WHERE c.pupil_id = p_pupil
                     AND (c.municipality_id = ANY (caseflow_municipalities()) OR caseflow_case_shared(c.id)))
        OR EXISTS (SELECT 1 FROM concerns k WHERE k.pupil_id = p_pupil
                     AND (k.municipality_id = ANY (caseflow_municipalities()) OR k.reported_by_id = caseflow_user()))
        OR EXISTS (SELECT 1 FROM support_plans sp WHERE sp.pupil_id = p_pupil AND sp.municipality_id = ANY (caseflow_municipalities()))
        OR EXISTS (SELECT 1 FROM info_requests r JOIN cases c ON c.id = r.case_id
                   WHERE c.pupil_id = p_pupil AND (r.institution_id = ANY (caseflow_institutions()) OR r.asker_institution_id = ANY (caseflow_institutions()))) $$""",
    """CREATE OR REPLACE FUNCTION caseflow_pupil_id_by_code(p_index text) RETURNS integer
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path FROM CURRENT AS $$
    SELECT id FROM pupils WHERE personal_code_index = p_index $$""",
    """CREATE OR REPLACE FUNCTION caseflow_item_reachable(p_item integer) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path FROM CURRENT AS $$
    SELECT EXISTS (SELECT 1 FROM agenda_items ai WHERE ai.id = p_item
                     AND (ai.case_id IS NULL OR caseflow_case_reachable(ai.case_id))) $$""",
    """CREATE OR REPLACE FUNCTION caseflow_action_reachable(p_action integer) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path FROM CURRENT AS $$
    SELECT EXISTS (SELECT 1 FROM actions a WHERE a.id = p_action
                     AND (caseflow_everywhere() OR a.municipality_id = ANY (caseflow_municipalities()) OR a.institution_id = ANY (caseflow_institutions())
                          OR a.supervisor_institution_id = ANY (caseflow_institutions())
                          OR (a.case_id IS NOT NULL AND caseflow_case_reachable(a.case_id)))) $$""",
    """CREATE OR REPLACE FUNCTION caseflow_plan_reachable(p_plan integer) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path FROM CURRENT AS $$
    SELECT EXISTS (SELECT 1 FROM support_plans sp WHERE sp.id = p_plan
                     AND (caseflow_everywhere() OR sp.municipality_id = ANY (caseflow_municipalities()) OR sp.school_id = ANY (caseflow_institutions())
                          OR (sp.case_id IS NOT NULL AND caseflow_case_reachable(sp.case_id)))) $$""",
    """CREATE OR REPLACE FUNCTION caseflow_measure_reachable(p_measure integer) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path FROM CURRENT AS $$
    SELECT EXISTS (SELECT 1 FROM plan_measures pm WHERE pm.id = p_measure
                     AND caseflow_plan_reachable(pm.plan_id)) $$""",
    'ALTER TABLE pupils ENABLE ROW LEVEL SECURITY',
    'DROP POLICY IF EXISTS caseflow_by_municipality ON pupils',
    'CREATE POLICY caseflow_by_municipality ON pupils USING (caseflow_everywhere() OR declared_municipality_id = ANY (caseflow_municipalities()) OR created_by_institution_id = ANY (caseflow_institutions()) OR caseflow_pupil_reachable(id)) WITH CHECK (caseflow_everywhere() OR declared_municipality_id = ANY (caseflow_municipalities()) OR created_by_institution_id = ANY (caseflow_institutions()) OR caseflow_pupil_reachable(id))',
    'ALTER TABLE enrolments ENABLE ROW LEVEL SECURITY',
    'DROP POLICY IF EXISTS caseflow_by_municipality ON enrolments',
    'CREATE POLICY caseflow_by_municipality ON enrolments USING (caseflow_everywhere() OR school_id IN (SELECT id FROM institutions WHERE municipality_id = ANY (caseflow_municipalities())) OR caseflow_pupil_reachable(pupil_id)) WITH CHECK (caseflow_everywhere() OR school_id IN (SELECT id FROM institutions WHERE municipality_id = ANY (caseflow_municipalities())) OR caseflow_pupil_reachable(pupil_id))',
    'ALTER TABLE cases ENABLE ROW LEVEL SECURITY',
    'DROP POLICY IF EXISTS caseflow_by_municipality ON cases',
    'CREATE POLICY caseflow_by_municipality ON cases USING (caseflow_everywhere() OR municipality_id = ANY (caseflow_municipalities()) OR caseflow_case_shared_as(id, municipality_id)) WITH CHECK (caseflow_everywhere() OR municipality_id = ANY (caseflow_municipalities()) OR caseflow_case_shared_as(id, municipality_id))',
    'ALTER TABLE case_entries ENABLE ROW LEVEL SECURITY',
    'DROP POLICY IF EXISTS caseflow_by_municipality ON case_entries',
    'CREATE POLICY caseflow_by_municipality ON case_entries USING (caseflow_case_reachable(case_id)) WITH CHECK (caseflow_case_reachable(case_id))',
    'ALTER TABLE case_risk_factors ENABLE ROW LEVEL SECURITY',
    'DROP POLICY IF EXISTS caseflow_by_municipality ON case_risk_factors',
    'CREATE POLICY caseflow_by_municipality ON case_risk_factors USING (caseflow_case_reachable(case_id)) WITH CHECK (caseflow_case_reachable(case_id))',
    'ALTER TABLE case_parties ENABLE ROW LEVEL SECURITY',
    'DROP POLICY IF EXISTS caseflow_by_municipality ON case_parties',
    'CREATE POLICY caseflow_by_municipality ON case_parties USING (caseflow_case_reachable(case_id)) WITH CHECK (caseflow_case_reachable(case_id))',
    'ALTER TABLE case_team ENABLE ROW LEVEL SECURITY',
    'DROP POLICY IF EXISTS caseflow_by_municipality ON case_team',
    'CREATE POLICY caseflow_by_municipality ON case_team USING (user_id = caseflow_user() OR caseflow_case_reachable(case_id)) WITH CHECK (user_id = caseflow_user() OR caseflow_case_reachable(case_id))',
    'ALTER TABLE case_events ENABLE ROW LEVEL SECURITY',
    'DROP POLICY IF EXISTS caseflow_by_municipality ON case_events',
    'CREATE POLICY caseflow_by_municipality ON case_events USING (caseflow_case_reachable(case_id)) WITH CHECK (caseflow_case_reachable(case_id))',
    'ALTER TABLE notes ENABLE ROW LEVEL SECURITY',
    'DROP POLICY IF EXISTS caseflow_by_municipality ON notes',
    'CREATE POLICY caseflow_by_municipality ON notes USING (caseflow_case_reachable(case_id)) WITH CHECK (caseflow_case_reachable(case_id))',
    'ALTER TABLE referrals ENABLE ROW LEVEL SECURITY',
    'DROP POLICY IF EXISTS caseflow_by_municipality ON referrals',
    'CREATE POLICY caseflow_by_municipality ON referrals USING (caseflow_case_reachable(case_id)) WITH CHECK (caseflow_case_reachable(case_id))',
    'ALTER TABLE case_participants ENABLE ROW LEVEL SECURITY',
    'DROP POLICY IF EXISTS caseflow_by_municipality ON case_participants',
    'CREATE POLICY caseflow_by_municipality ON case_participants USING (caseflow_case_reachable(case_id)) WITH CHECK (caseflow_case_reachable(case_id))',
    'ALTER TABLE emergency_grants ENABLE ROW LEVEL SECURITY',
    'DROP POLICY IF EXISTS caseflow_by_municipality ON emergency_grants',
    'CREATE POLICY caseflow_by_municipality ON emergency_grants USING (user_id = caseflow_user() OR caseflow_case_reachable(case_id)) WITH CHECK (user_id = caseflow_user() OR caseflow_case_reachable(case_id))',
    'ALTER TABLE legal_holds ENABLE ROW LEVEL SECURITY',
    'DROP POLICY IF EXISTS caseflow_by_municipality ON legal_holds',
    'CREATE POLICY caseflow_by_municipality ON legal_holds USING (caseflow_case_reachable(case_id)) WITH CHECK (caseflow_case_reachable(case_id))',
    'ALTER TABLE info_requests ENABLE ROW LEVEL SECURITY',
    'DROP POLICY IF EXISTS caseflow_by_municipality ON info_requests',
    'CREATE POLICY caseflow_by_municipality ON info_requests USING (municipality_id = ANY (caseflow_municipalities()) OR institution_id = ANY (caseflow_institutions()) OR asker_institution_id = ANY (caseflow_institutions()) OR caseflow_case_reachable(case_id)) WITH CHECK (municipality_id = ANY (caseflow_municipalities()) OR institution_id = ANY (caseflow_institutions()) OR asker_institution_id = ANY (caseflow_institutions()) OR caseflow_case_reachable(case_id))',
    'ALTER TABLE session_requests ENABLE ROW LEVEL SECURITY',
    'DROP POLICY IF EXISTS caseflow_by_municipality ON session_requests',
    'CREATE POLICY caseflow_by_municipality ON session_requests USING (submitted_by_institution_id = ANY (caseflow_institutions()) OR caseflow_case_reachable(case_id)) WITH CHECK (submitted_by_institution_id = ANY (caseflow_institutions()) OR caseflow_case_reachable(case_id))',
    'ALTER TABLE agenda_items ENABLE ROW LEVEL SECURITY',
    'DROP POLICY IF EXISTS caseflow_by_municipality ON agenda_items',
    'CREATE POLICY caseflow_by_municipality ON agenda_items USING (case_id IS NULL OR caseflow_case_reachable(case_id)) WITH CHECK (case_id IS NULL OR caseflow_case_reachable(case_id))',
    'ALTER TABLE agenda_item_reports ENABLE ROW LEVEL SECURITY',
    'DROP POLICY IF EXISTS caseflow_by_municipality ON agenda_item_reports',
    'CREATE POLICY caseflow_by_municipality ON agenda_item_reports USING (institution_id = ANY (caseflow_institutions()) OR caseflow_item_reachable(item_id)) WITH CHECK (institution_id = ANY (caseflow_institutions()) OR caseflow_item_reachable(item_id))',
    'ALTER TABLE session_attendance ENABLE ROW LEVEL SECURITY',
    'DROP POLICY IF EXISTS caseflow_by_municipality ON session_attendance',
    'CREATE POLICY caseflow_by_municipality ON session_attendance USING (item_id IS NULL OR caseflow_item_reachable(item_id)) WITH CHECK (item_id IS NULL OR caseflow_item_reachable(item_id))',
    'ALTER TABLE actions ENABLE ROW LEVEL SECURITY',
    'DROP POLICY IF EXISTS caseflow_by_municipality ON actions',
    'CREATE POLICY caseflow_by_municipality ON actions USING (caseflow_everywhere() OR municipality_id = ANY (caseflow_municipalities()) OR institution_id = ANY (caseflow_institutions()) OR supervisor_institution_id = ANY (caseflow_institutions()) OR (case_id IS NOT NULL AND caseflow_case_reachable(case_id))) WITH CHECK (caseflow_everywhere() OR municipality_id = ANY (caseflow_municipalities()) OR institution_id = ANY (caseflow_institutions()) OR supervisor_institution_id = ANY (caseflow_institutions()) OR (case_id IS NOT NULL AND caseflow_case_reachable(case_id)))',
    'ALTER TABLE action_follow_ups ENABLE ROW LEVEL SECURITY',
    'DROP POLICY IF EXISTS caseflow_by_municipality ON action_follow_ups',
    'CREATE POLICY caseflow_by_municipality ON action_follow_ups USING (institution_id = ANY (caseflow_institutions()) OR caseflow_action_reachable(action_id)) WITH CHECK (institution_id = ANY (caseflow_institutions()) OR caseflow_action_reachable(action_id))',
    'ALTER TABLE support_plans ENABLE ROW LEVEL SECURITY',
    'DROP POLICY IF EXISTS caseflow_by_municipality ON support_plans',
    'CREATE POLICY caseflow_by_municipality ON support_plans USING (caseflow_everywhere() OR municipality_id = ANY (caseflow_municipalities()) OR school_id = ANY (caseflow_institutions()) OR (case_id IS NOT NULL AND caseflow_case_reachable(case_id))) WITH CHECK (caseflow_everywhere() OR municipality_id = ANY (caseflow_municipalities()) OR school_id = ANY (caseflow_institutions()) OR (case_id IS NOT NULL AND caseflow_case_reachable(case_id)))',
    'ALTER TABLE plan_measures ENABLE ROW LEVEL SECURITY',
    'DROP POLICY IF EXISTS caseflow_by_municipality ON plan_measures',
    'CREATE POLICY caseflow_by_municipality ON plan_measures USING (deliverer_id = caseflow_user() OR caseflow_plan_reachable(plan_id)) WITH CHECK (deliverer_id = caseflow_user() OR caseflow_plan_reachable(plan_id))',
    'ALTER TABLE delivered_hours ENABLE ROW LEVEL SECURITY',
    'DROP POLICY IF EXISTS caseflow_by_municipality ON delivered_hours',
    'CREATE POLICY caseflow_by_municipality ON delivered_hours USING (caseflow_measure_reachable(measure_id)) WITH CHECK (caseflow_measure_reachable(measure_id))',
    'ALTER TABLE concerns ENABLE ROW LEVEL SECURITY',
    'DROP POLICY IF EXISTS caseflow_by_municipality ON concerns',
    'CREATE POLICY caseflow_by_municipality ON concerns USING (caseflow_everywhere() OR municipality_id = ANY (caseflow_municipalities()) OR school_id = ANY (caseflow_institutions()) OR reported_by_id = caseflow_user() OR reported_by_institution_id = ANY (caseflow_institutions()) OR (case_id IS NOT NULL AND caseflow_case_reachable(case_id))) WITH CHECK (caseflow_everywhere() OR municipality_id = ANY (caseflow_municipalities()) OR school_id = ANY (caseflow_institutions()) OR reported_by_id = caseflow_user() OR reported_by_institution_id = ANY (caseflow_institutions()) OR (case_id IS NOT NULL AND caseflow_case_reachable(case_id)))',
]

DOWNGRADE_SQL = [
    'DROP POLICY IF EXISTS caseflow_by_municipality ON pupils',
    'ALTER TABLE pupils DISABLE ROW LEVEL SECURITY',
    'DROP POLICY IF EXISTS caseflow_by_municipality ON enrolments',
    'ALTER TABLE enrolments DISABLE ROW LEVEL SECURITY',
    'DROP POLICY IF EXISTS caseflow_by_municipality ON cases',
    'ALTER TABLE cases DISABLE ROW LEVEL SECURITY',
    'DROP POLICY IF EXISTS caseflow_by_municipality ON case_entries',
    'ALTER TABLE case_entries DISABLE ROW LEVEL SECURITY',
    'DROP POLICY IF EXISTS caseflow_by_municipality ON case_risk_factors',
    'ALTER TABLE case_risk_factors DISABLE ROW LEVEL SECURITY',
    'DROP POLICY IF EXISTS caseflow_by_municipality ON case_parties',
    'ALTER TABLE case_parties DISABLE ROW LEVEL SECURITY',
    'DROP POLICY IF EXISTS caseflow_by_municipality ON case_team',
    'ALTER TABLE case_team DISABLE ROW LEVEL SECURITY',
    'DROP POLICY IF EXISTS caseflow_by_municipality ON case_events',
    'ALTER TABLE case_events DISABLE ROW LEVEL SECURITY',
    'DROP POLICY IF EXISTS caseflow_by_municipality ON notes',
    'ALTER TABLE notes DISABLE ROW LEVEL SECURITY',
    'DROP POLICY IF EXISTS caseflow_by_municipality ON referrals',
    'ALTER TABLE referrals DISABLE ROW LEVEL SECURITY',
    'DROP POLICY IF EXISTS caseflow_by_municipality ON case_participants',
    'ALTER TABLE case_participants DISABLE ROW LEVEL SECURITY',
    'DROP POLICY IF EXISTS caseflow_by_municipality ON emergency_grants',
    'ALTER TABLE emergency_grants DISABLE ROW LEVEL SECURITY',
    'DROP POLICY IF EXISTS caseflow_by_municipality ON legal_holds',
    'ALTER TABLE legal_holds DISABLE ROW LEVEL SECURITY',
    'DROP POLICY IF EXISTS caseflow_by_municipality ON info_requests',
    'ALTER TABLE info_requests DISABLE ROW LEVEL SECURITY',
    'DROP POLICY IF EXISTS caseflow_by_municipality ON session_requests',
    'ALTER TABLE session_requests DISABLE ROW LEVEL SECURITY',
    'DROP POLICY IF EXISTS caseflow_by_municipality ON agenda_items',
    'ALTER TABLE agenda_items DISABLE ROW LEVEL SECURITY',
    'DROP POLICY IF EXISTS caseflow_by_municipality ON agenda_item_reports',
    'ALTER TABLE agenda_item_reports DISABLE ROW LEVEL SECURITY',
    'DROP POLICY IF EXISTS caseflow_by_municipality ON session_attendance',
    'ALTER TABLE session_attendance DISABLE ROW LEVEL SECURITY',
    'DROP POLICY IF EXISTS caseflow_by_municipality ON actions',
    'ALTER TABLE actions DISABLE ROW LEVEL SECURITY',
    'DROP POLICY IF EXISTS caseflow_by_municipality ON action_follow_ups',
    'ALTER TABLE action_follow_ups DISABLE ROW LEVEL SECURITY',
    'DROP POLICY IF EXISTS caseflow_by_municipality ON support_plans',
    'ALTER TABLE support_plans DISABLE ROW LEVEL SECURITY',
    'DROP POLICY IF EXISTS caseflow_by_municipality ON plan_measures',
    'ALTER TABLE plan_measures DISABLE ROW LEVEL SECURITY',
    'DROP POLICY IF EXISTS caseflow_by_municipality ON delivered_hours',
    'ALTER TABLE delivered_hours DISABLE ROW LEVEL SECURITY',
    'DROP POLICY IF EXISTS caseflow_by_municipality ON concerns',
    'ALTER TABLE concerns DISABLE ROW LEVEL SECURITY',
    'DROP FUNCTION IF EXISTS caseflow_measure_reachable(integer)',
    'DROP FUNCTION IF EXISTS caseflow_plan_reachable(integer)',
    'DROP FUNCTION IF EXISTS caseflow_action_reachable(integer)',
    'DROP FUNCTION IF EXISTS caseflow_item_reachable(integer)',
    'DROP FUNCTION IF EXISTS caseflow_pupil_id_by_code(text)',
    'DROP FUNCTION IF EXISTS caseflow_pupil_reachable(integer)',
    'DROP FUNCTION IF EXISTS caseflow_case_reachable(integer)',
    'DROP FUNCTION IF EXISTS caseflow_case_shared_as(integer, integer)',
    'DROP FUNCTION IF EXISTS caseflow_case_shared(integer)',
    'DROP FUNCTION IF EXISTS caseflow_group_in_reach(integer)',
    'DROP FUNCTION IF EXISTS caseflow_everywhere()',
    'DROP FUNCTION IF EXISTS caseflow_user()',
    'DROP FUNCTION IF EXISTS caseflow_institutions()',
    'DROP FUNCTION IF EXISTS caseflow_municipalities()',
]


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in UPGRADE_SQL:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in DOWNGRADE_SQL:
            op.execute(statement)
