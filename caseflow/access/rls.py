"""PostgreSQL row-level security by municipality: a second line of defence behind access/policy.py.

The web processes connect as a role that cannot bypass row security (`flask db grant-web-role`);
at the start of every transaction inside a request with a signed-in user the app sets the policy
key (`caseflow.municipalities`, `caseflow.institutions`, `caseflow.user`, `caseflow.everywhere`),
and the tables that hold a child's data show and accept only rows of those municipalities or of
cases the institution or user takes part in. The owner (migrations, the worker, CLI jobs) is not
forced and sees everything. The key is wider than the application policy on purpose: it must
never hide what the policy allows; it catches a query that forgot its scope. See docs/rls.md.
"""
from __future__ import annotations

import re

import click
from flask import Flask, g, has_request_context
from flask.cli import with_appcontext
from sqlalchemy import event, text

from caseflow.access.permissions import Permission

#: permissions the policy grants over the whole installation (the data-protection officer's pages
#: find any pupil, review any grant, hold any case): their holders are not limited by municipality
INSTALLATION_WIDE = frozenset({Permission.SUBJECT_ACCESS, Permission.LEGAL_HOLD, Permission.EMERGENCY_REVIEW})

# --- the policy key -------------------------------------------------------------------------------

#: one statement per transaction: who acts, at which institutions (one, or for a token-opened page
#: every institution the person works at), and the municipalities in reach: the institutions' own,
#: those served by the groups the institutions hold a seat in and, for a chair, the groups serving them
KEY_SQL = """
WITH mine AS (
    SELECT id, municipality_id FROM institutions
    WHERE id = ANY (CAST(string_to_array(nullif(:institutions, ''), ',') AS integer[]))
), my_groups AS (
    SELECT group_id FROM group_members WHERE institution_id IN (SELECT id FROM mine)
    UNION SELECT id FROM cooperation_groups
        WHERE CAST(:chairs AS boolean) AND municipality_id IN (SELECT municipality_id FROM mine)
    UNION SELECT group_id FROM group_municipalities
        WHERE CAST(:chairs AS boolean) AND municipality_id IN (SELECT municipality_id FROM mine)
), reach AS (
    SELECT municipality_id AS id FROM mine
    UNION SELECT municipality_id FROM cooperation_groups WHERE id IN (SELECT group_id FROM my_groups)
    UNION SELECT municipality_id FROM group_municipalities WHERE group_id IN (SELECT group_id FROM my_groups)
)
SELECT set_config('caseflow.user', :user, true),
       set_config('caseflow.institutions', :institutions, true),
       set_config('caseflow.everywhere', :everywhere, true),
       set_config('caseflow.municipalities',
                  coalesce((SELECT string_agg(DISTINCT CAST(id AS text), ',') FROM reach), ''), true)
"""


def key_parameters(actor) -> dict:
    """The bind parameters of KEY_SQL for an actor."""
    permissions = actor.permissions
    return {"user": str(actor.user_id),
            "institutions": str(actor.institution_id) if actor.institution_id is not None else "",
            "chairs": Permission.SESSION_MANAGE in permissions,
            "everywhere": "on" if permissions & INSTALLATION_WIDE else "off"}


#: is the connected role under row security (not a superuser, not BYPASSRLS, not the tables' owner)?
SUBJECT_SQL = """
SELECT NOT (r.rolsuper OR r.rolbypassrls OR coalesce(pg_has_role(current_user, c.relowner, 'USAGE'), false))
FROM pg_roles r LEFT JOIN pg_class c ON c.oid = to_regclass('cases') WHERE r.rolname = current_user
"""


def under_row_security(connection) -> bool:
    """Asked once per database connection, on the driver's cursor (the owner needs no key, and its
    requests keep their statement counts)."""
    record = connection.connection  # the pool's record: its info lives as long as the connection
    if "caseflow.rls" not in record.info:
        cursor = record.dbapi_connection.cursor()
        try:
            cursor.execute(SUBJECT_SQL)
            record.info["caseflow.rls"] = bool(cursor.fetchone()[0])
        finally:
            cursor.close()
    return record.info["caseflow.rls"]


def _set_key(connection, actor) -> None:
    if under_row_security(connection):
        connection.execute(text(KEY_SQL), key_parameters(actor))


def key_for_person(user_id: int, institution_ids: list[int]) -> None:
    """Key the current transaction for a person a token identified, at every institution they work
    at (the calendar feed has no signed-in actor); never the installation-wide reach."""
    from caseflow.extensions import db

    if db.engine.dialect.name != "postgresql":
        return
    connection = db.session().connection()
    if under_row_security(connection):
        connection.execute(text(KEY_SQL), {"user": str(user_id), "chairs": False, "everywhere": "off",
                                           "institutions": ",".join(str(i) for i in institution_ids)})


def _after_begin(session, transaction, connection) -> None:
    """Key every transaction a signed-in request begins (the setting ends with the transaction)."""
    if connection.dialect.name != "postgresql" or not has_request_context():
        return
    actor = g.get("actor")
    if actor is None:
        return
    _set_key(connection, actor)
    g.rls_keyed = (session.get_transaction(), actor)


def key_current_transaction() -> None:
    """Key the transaction the guard already began before it knew the actor (before_request)."""
    from caseflow.extensions import db

    actor = g.get("actor")
    if actor is None or db.engine.dialect.name != "postgresql":
        return
    session = db.session()
    if not session.in_transaction():
        return  # the first statement begins one, and _after_begin keys it
    connection = session.connection()
    if g.get("rls_keyed") == (session.get_transaction(), actor):
        return
    _set_key(connection, actor)
    g.rls_keyed = (session.get_transaction(), actor)


_listening: list[bool] = []


def install(app: Flask) -> None:
    """Set the policy key in every request transaction (PostgreSQL; a no-op on SQLite)."""
    from caseflow.extensions import db

    if not _listening:  # one listener for every app: db.session is shared
        event.listen(db.session, "after_begin", _after_begin)
        _listening.append(True)
    app.before_request(key_current_transaction)  # registered after the guard, so the actor is known


# --- the policies ---------------------------------------------------------------------------------

# each key part as a sub-select: PostgreSQL evaluates it once per statement (an InitPlan) instead of once
# per row it checks, which at Riga scale halves the cost of counting under row security (migration 0014)
_M = "CAST((SELECT caseflow_municipalities()) AS integer[])"
_I = "ANY (CAST((SELECT caseflow_institutions()) AS integer[]))"
_U = "(SELECT caseflow_user())"
_EVERYWHERE = "(SELECT caseflow_everywhere())"

#: helper functions: the key's parts, and reachability through tables that carry row security
#: (SECURITY DEFINER, owned by the tables' owner, so they read without recursing into the policies)
FUNCTIONS_SQL = [
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
    f"""CREATE OR REPLACE FUNCTION caseflow_group_in_reach(p_group integer) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path FROM CURRENT AS $$
    SELECT EXISTS (SELECT 1 FROM cooperation_groups g WHERE g.id = p_group AND g.municipality_id = ANY ({_M}))
        OR EXISTS (SELECT 1 FROM group_municipalities gm
                   WHERE gm.group_id = p_group AND gm.municipality_id = ANY ({_M}))
        OR EXISTS (SELECT 1 FROM group_members gs WHERE gs.group_id = p_group AND gs.institution_id = {_I}) $$""",
    f"""CREATE OR REPLACE FUNCTION caseflow_case_shared(p_case integer) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path FROM CURRENT AS $$
    SELECT EXISTS (SELECT 1 FROM case_participants p JOIN institutions i ON i.id = p.institution_id
                   WHERE p.case_id = p_case AND p.ended_at IS NULL
                     AND (p.institution_id = {_I} OR i.municipality_id = ANY ({_M})))
        OR EXISTS (SELECT 1 FROM actions a WHERE a.case_id = p_case
                     AND (a.institution_id = {_I} OR a.supervisor_institution_id = {_I}))
        OR EXISTS (SELECT 1 FROM agenda_items ai JOIN group_sessions s ON s.id = ai.session_id
                   WHERE ai.case_id = p_case AND caseflow_group_in_reach(s.group_id))
        OR EXISTS (SELECT 1 FROM case_team t
                   WHERE t.case_id = p_case AND t.user_id = {_U} AND t.removed_at IS NULL)
        OR EXISTS (SELECT 1 FROM emergency_grants eg
                   WHERE eg.case_id = p_case AND eg.user_id = {_U} AND eg.expires_at > now()) $$""",
    """CREATE OR REPLACE FUNCTION caseflow_case_shared_as(p_case integer, p_municipality integer)
    RETURNS boolean LANGUAGE sql STABLE SECURITY DEFINER SET search_path FROM CURRENT AS $$
    SELECT EXISTS (SELECT 1 FROM cases c WHERE c.id = p_case AND c.municipality_id = p_municipality)
       AND caseflow_case_shared(p_case) $$""",
    f"""CREATE OR REPLACE FUNCTION caseflow_case_reachable(p_case integer) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path FROM CURRENT AS $$
    SELECT {_EVERYWHERE}
        OR EXISTS (SELECT 1 FROM cases c WHERE c.id = p_case AND c.municipality_id = ANY ({_M}))
        OR caseflow_case_shared(p_case) $$""",
    f"""CREATE OR REPLACE FUNCTION caseflow_pupil_reachable(p_pupil integer) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path FROM CURRENT AS $$
    SELECT {_EVERYWHERE}
        OR EXISTS (SELECT 1 FROM pupils p WHERE p.id = p_pupil
                     AND (p.declared_municipality_id = ANY ({_M}) OR p.created_by_institution_id = {_I}))
        OR EXISTS (SELECT 1 FROM enrolments e JOIN institutions i ON i.id = e.school_id
                   WHERE e.pupil_id = p_pupil AND i.municipality_id = ANY ({_M}))
        OR EXISTS (SELECT 1 FROM cases c WHERE c.pupil_id = p_pupil
                     AND (c.municipality_id = ANY ({_M}) OR caseflow_case_shared(c.id)))
        OR EXISTS (SELECT 1 FROM concerns k WHERE k.pupil_id = p_pupil
                     AND (k.municipality_id = ANY ({_M}) OR k.reported_by_id = {_U}))
        OR EXISTS (SELECT 1 FROM support_plans sp WHERE sp.pupil_id = p_pupil AND sp.municipality_id = ANY ({_M}))
        OR EXISTS (SELECT 1 FROM info_requests r JOIN cases c ON c.id = r.case_id
                   WHERE c.pupil_id = p_pupil AND (r.institution_id = {_I} OR r.asker_institution_id = {_I})) $$""",
    """CREATE OR REPLACE FUNCTION caseflow_pupil_id_by_code(p_index text) RETURNS integer
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path FROM CURRENT AS $$
    SELECT id FROM pupils WHERE personal_code_index = p_index $$""",
    """CREATE OR REPLACE FUNCTION caseflow_item_reachable(p_item integer) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path FROM CURRENT AS $$
    SELECT EXISTS (SELECT 1 FROM agenda_items ai WHERE ai.id = p_item
                     AND (ai.case_id IS NULL OR caseflow_case_reachable(ai.case_id))) $$""",
    f"""CREATE OR REPLACE FUNCTION caseflow_action_reachable(p_action integer) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path FROM CURRENT AS $$
    SELECT EXISTS (SELECT 1 FROM actions a WHERE a.id = p_action
                     AND ({_EVERYWHERE} OR a.municipality_id = ANY ({_M}) OR a.institution_id = {_I}
                          OR a.supervisor_institution_id = {_I}
                          OR (a.case_id IS NOT NULL AND caseflow_case_reachable(a.case_id)))) $$""",
    f"""CREATE OR REPLACE FUNCTION caseflow_plan_reachable(p_plan integer) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path FROM CURRENT AS $$
    SELECT EXISTS (SELECT 1 FROM support_plans sp WHERE sp.id = p_plan
                     AND ({_EVERYWHERE} OR sp.municipality_id = ANY ({_M}) OR sp.school_id = {_I}
                          OR (sp.case_id IS NOT NULL AND caseflow_case_reachable(sp.case_id)))) $$""",
    """CREATE OR REPLACE FUNCTION caseflow_measure_reachable(p_measure integer) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path FROM CURRENT AS $$
    SELECT EXISTS (SELECT 1 FROM plan_measures pm WHERE pm.id = p_measure
                     AND caseflow_plan_reachable(pm.plan_id)) $$""",
]

_BY_CASE = "caseflow_case_reachable(case_id)"
#: table → the condition a row must meet to be seen, inserted or left after an update
POLICIES: dict[str, str] = {
    "pupils": f"{_EVERYWHERE} OR declared_municipality_id = ANY ({_M}) OR created_by_institution_id = {_I}"
              " OR caseflow_pupil_reachable(id)",
    "enrolments": f"{_EVERYWHERE} OR school_id IN (SELECT id FROM institutions WHERE municipality_id = ANY ({_M}))"
                  " OR caseflow_pupil_reachable(pupil_id)",
    "cases": f"{_EVERYWHERE} OR municipality_id = ANY ({_M}) OR caseflow_case_shared_as(id, municipality_id)",
    "case_entries": _BY_CASE,
    "case_risk_factors": _BY_CASE,
    "case_parties": _BY_CASE,
    "case_team": f"user_id = {_U} OR {_BY_CASE}",
    "case_events": _BY_CASE,
    "notes": _BY_CASE,
    "referrals": _BY_CASE,
    "case_participants": _BY_CASE,
    "emergency_grants": f"user_id = {_U} OR {_BY_CASE}",
    "legal_holds": _BY_CASE,
    "info_requests": f"municipality_id = ANY ({_M}) OR institution_id = {_I} OR asker_institution_id = {_I}"
                     f" OR {_BY_CASE}",
    "session_requests": f"submitted_by_institution_id = {_I} OR {_BY_CASE}",
    "agenda_items": f"case_id IS NULL OR {_BY_CASE}",
    "agenda_item_reports": f"institution_id = {_I} OR caseflow_item_reachable(item_id)",
    "session_attendance": "item_id IS NULL OR caseflow_item_reachable(item_id)",
    "actions": f"{_EVERYWHERE} OR municipality_id = ANY ({_M}) OR institution_id = {_I}"
               f" OR supervisor_institution_id = {_I} OR (case_id IS NOT NULL AND {_BY_CASE})",
    "action_follow_ups": f"institution_id = {_I} OR caseflow_action_reachable(action_id)",
    "support_plans": f"{_EVERYWHERE} OR municipality_id = ANY ({_M}) OR school_id = {_I}"
                     f" OR (case_id IS NOT NULL AND {_BY_CASE})",
    "plan_measures": f"deliverer_id = {_U} OR caseflow_plan_reachable(plan_id)",
    "delivered_hours": "caseflow_measure_reachable(measure_id)",
    "concerns": f"{_EVERYWHERE} OR municipality_id = ANY ({_M}) OR school_id = {_I} OR reported_by_id = {_U}"
                f" OR reported_by_institution_id = {_I} OR (case_id IS NOT NULL AND {_BY_CASE})",
}

# migration 0008: school data and early warning. The pupil's reach, because a pupil's school data page
# reads every municipality's rows and a class change replaces one written by the former municipality
_SCHOOL_DATA = f"{_EVERYWHERE} OR municipality_id = ANY ({_M}) OR caseflow_pupil_reachable(pupil_id)"
#: a batch's rows follow the batch: its institution, or its municipality (a `flask imports run` batch)
_BY_BATCH = (f"batch_id IN (SELECT id FROM import_batches WHERE institution_id = {_I}"
             f" OR municipality_id = ANY ({_M}))")
SCHOOL_DATA_POLICIES: dict[str, str] = {
    **dict.fromkeys(("absence_records", "absence_totals", "grade_records", "class_records", "warning_signals",
                     "warning_dismissals", "warning_notices"), _SCHOOL_DATA),
    "import_batches": f"institution_id = {_I} OR municipality_id = ANY ({_M})",
    **dict.fromkeys(("import_problems", "import_upload_chunks", "import_staged_absences", "import_staged_totals",
                     "import_staged_grades", "import_staged_enrolments"), _BY_BATCH),
}
POLICIES.update(SCHOOL_DATA_POLICIES)

POLICY_NAME = "caseflow_by_municipality"


def policy_sql(policies: dict[str, str] | None = None) -> list[str]:
    """The statements that turn row security on: the functions, then per table ENABLE and one policy
    (given `policies`, only those tables' statements: what a later migration adds)."""
    statements = [] if policies else list(FUNCTIONS_SQL)
    for table, condition in (policies or POLICIES).items():
        statements += [f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY",
                       f"DROP POLICY IF EXISTS {POLICY_NAME} ON {table}",
                       f"CREATE POLICY {POLICY_NAME} ON {table} USING ({condition}) WITH CHECK ({condition})"]
    return statements


FUNCTION_SIGNATURES = [
    "caseflow_measure_reachable(integer)", "caseflow_plan_reachable(integer)", "caseflow_action_reachable(integer)",
    "caseflow_item_reachable(integer)", "caseflow_pupil_id_by_code(text)", "caseflow_pupil_reachable(integer)",
    "caseflow_case_reachable(integer)", "caseflow_case_shared_as(integer, integer)", "caseflow_case_shared(integer)",
    "caseflow_group_in_reach(integer)", "caseflow_everywhere()", "caseflow_user()", "caseflow_institutions()",
    "caseflow_municipalities()",
]


def drop_sql(tables=None) -> list[str]:
    """The statements that turn row security off again and drop the functions (given `tables`, only
    those tables' policies)."""
    statements = []
    for table in tables or POLICIES:
        statements += [f"DROP POLICY IF EXISTS {POLICY_NAME} ON {table}",
                       f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY"]
    return statements + ([] if tables else [f"DROP FUNCTION IF EXISTS {signature}" for signature in FUNCTION_SIGNATURES])


def install_policies(connection) -> None:
    """Create the functions and policies (PostgreSQL only; the schema built by create_all in tests)."""
    if connection.dialect.name != "postgresql":
        return
    for statement in policy_sql():
        connection.execute(text(statement))


def drop_policies(connection) -> None:
    """Remove them again."""
    if connection.dialect.name != "postgresql":
        return
    for statement in drop_sql():
        connection.execute(text(statement))


def pupil_id_by_code(session, index: str) -> int | None:
    """The id of the pupil with this blind index anywhere in the registry, past row security (the
    registry's uniqueness check must see pupils of other municipalities, as the unique index does)."""
    from sqlalchemy import select

    from caseflow.pupils.models import Pupil

    if session.get_bind().dialect.name == "postgresql":
        return session.scalar(text("SELECT caseflow_pupil_id_by_code(:index)"), {"index": index})
    return session.scalar(select(Pupil.id).where(Pupil.personal_code_index == index))


def pupil_ids_by_codes(session, indexes) -> dict[str, int]:
    """Blind index → pupil id for pupils row security hides (another municipality's), in one statement;
    empty unless the session's connection is under row security (there a plain look-up saw them all)."""
    if not indexes or session.get_bind().dialect.name != "postgresql":
        return {}
    connection = session.connection()
    if not under_row_security(connection):
        return {}
    rows = connection.execute(text("SELECT code, caseflow_pupil_id_by_code(code)"
                                   " FROM unnest(CAST(:indexes AS text[])) AS code"), {"indexes": list(indexes)})
    return {code: pupil_id for code, pupil_id in rows if pupil_id is not None}


# --- the web role ---------------------------------------------------------------------------------

_ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
#: tables the web role reads but never changes
_READ_ONLY = ("alembic_version",)
#: tables the web role only appends to (the triggers refuse the rest anyway)
_APPEND_ONLY = ("audit_log",)


class WebRoleError(click.ClickException):
    """The web role cannot be set up safely."""


def _role_problems(connection, name: str) -> list[str]:
    """Why a role must not serve the web (empty when it is safe)."""
    row = connection.execute(text(
        "SELECT rolsuper, rolbypassrls, rolcreaterole, rolcreatedb, rolreplication,"
        " pg_has_role(:name, current_user, 'MEMBER') AS in_owner, :name = current_user AS is_owner,"
        " EXISTS (SELECT 1 FROM pg_tables WHERE tableowner = :name) AS owns_tables"
        " FROM pg_roles WHERE rolname = :name"), {"name": name}).mappings().one()
    labels = {"rolsuper": "is a superuser", "rolbypassrls": "bypasses row security",
              "rolcreaterole": "may create roles", "rolcreatedb": "may create databases",
              "rolreplication": "is a replication role", "in_owner": "is a member of the owner role",
              "is_owner": "is the owner role itself", "owns_tables": "owns tables"}
    return [label for key, label in labels.items() if row[key]]


def grant_web_role(connection, name: str) -> bool:
    """Create the web role when missing, check it cannot bypass row security, grant it data access.
    Returns True when the role was created. Idempotent: run it again after every `flask db upgrade`."""
    if connection.dialect.name != "postgresql":
        raise WebRoleError("row-level security and the web role exist on PostgreSQL only")
    if not _ROLE_NAME.match(name):
        raise WebRoleError(f"{name!r} is not a plain role name (lower-case letters, digits, _)")
    exists = connection.scalar(text("SELECT 1 FROM pg_roles WHERE rolname = :name"), {"name": name})
    if not exists:
        connection.execute(text(f"CREATE ROLE {name} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE "
                                "NOREPLICATION NOBYPASSRLS"))
    problems = _role_problems(connection, name)
    if problems:
        raise WebRoleError(f"role {name} must not serve the web: it " + ", ".join(problems))
    database = connection.scalar(text("SELECT current_database()"))
    schema = connection.scalar(text("SELECT current_schema()"))
    preparer = connection.dialect.identifier_preparer
    for statement in (
            f"GRANT CONNECT ON DATABASE {preparer.quote(database)} TO {name}",
            f"GRANT USAGE ON SCHEMA {preparer.quote(schema)} TO {name}",
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {preparer.quote(schema)} TO {name}",
            f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {preparer.quote(schema)} TO {name}",
            *(f"REVOKE INSERT, UPDATE, DELETE ON {table} FROM {name}" for table in _present(connection, _READ_ONLY)),
            *(f"REVOKE UPDATE, DELETE ON {table} FROM {name}" for table in _present(connection, _APPEND_ONLY)),
            # the policies' functions inflate the planner's estimates until JIT compiles short queries, which
            # then take seconds (docs/benchmarks.md); the web role's queries are short by design
            f"ALTER ROLE {name} IN DATABASE {preparer.quote(database)} SET jit = off"):
        connection.execute(text(statement))
    return not exists


def _present(connection, tables: tuple[str, ...]) -> list[str]:
    """The tables of the list that exist (alembic_version is missing where create_all built the schema)."""
    return [t for t in tables if connection.scalar(text("SELECT to_regclass(:t)"), {"t": t}) is not None]


@click.command("grant-web-role")
@click.argument("name")
@with_appcontext
def grant_web_role_command(name: str) -> None:
    """Create or update NAME, the role the web processes connect as (run as the tables' owner)."""
    from caseflow.extensions import db

    with db.engine.begin() as connection:
        created = grant_web_role(connection, name)
    click.echo(f"role {name} {'created' if created else 'updated'}: data access granted, row security applies;"
               f" set its password with \\password {name} in psql")
