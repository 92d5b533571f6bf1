"""Initial schema: people, access, audit trail, encryption keys, pupils, outbox, groups.

Revision ID: 0001
Revises:
Create Date: 2026-11-23 17:23:16.068057
"""
import sqlalchemy as sa
from alembic import op

import caseflow.db

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None

# The audit trail's PostgreSQL triggers as they were at this revision (frozen here on purpose:
# caseflow/audit/ddl.py may change later, an old migration must not).
APPEND_ONLY_SQL = [
    """
    CREATE OR REPLACE FUNCTION caseflow_audit_append_only() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP;
    END;
    $$ LANGUAGE plpgsql
    """,
    "DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log",
    """
    CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION caseflow_audit_append_only()
    """,
    "DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log",
    """
    CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION caseflow_audit_append_only()
    """,
    """
    CREATE OR REPLACE FUNCTION caseflow_audit_head_forward_only() RETURNS trigger AS $$
    BEGIN
        IF TG_OP = 'UPDATE' AND NEW.id = OLD.id AND (NEW.seq > OLD.seq
                OR (NEW.seq = OLD.seq AND NEW.hash = OLD.hash)) THEN
            RETURN NEW;
        END IF;
        RAISE EXCEPTION 'audit_head only moves forward: % refused', TG_OP;
    END;
    $$ LANGUAGE plpgsql
    """,
    "DROP TRIGGER IF EXISTS audit_head_forward_only ON audit_head",
    """
    CREATE TRIGGER audit_head_forward_only BEFORE UPDATE OR DELETE ON audit_head
    FOR EACH ROW EXECUTE FUNCTION caseflow_audit_head_forward_only()
    """,
    "DROP TRIGGER IF EXISTS audit_head_no_truncate ON audit_head",
    """
    CREATE TRIGGER audit_head_no_truncate BEFORE TRUNCATE ON audit_head
    FOR EACH STATEMENT EXECUTE FUNCTION caseflow_audit_head_forward_only()
    """,
]

DROP_SQL = [
    "DROP TRIGGER IF EXISTS audit_head_no_truncate ON audit_head",
    "DROP TRIGGER IF EXISTS audit_head_forward_only ON audit_head",
    "DROP FUNCTION IF EXISTS caseflow_audit_head_forward_only()",
    "DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log",
    "DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log",
    "DROP FUNCTION IF EXISTS caseflow_audit_append_only()",
]


def upgrade() -> None:
    op.create_table('audit_head',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_head'))
    )
    op.create_table('data_keys',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scope', sa.String(length=64), nullable=False),
    sa.Column('master_version', sa.Integer(), nullable=False),
    sa.Column('wrapped', sa.LargeBinary(), nullable=True),
    sa.Column('created_at', caseflow.db.UTCDateTime(), nullable=False),
    sa.Column('destroyed_at', caseflow.db.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_data_keys')),
    sa.UniqueConstraint('scope', name=op.f('uq_data_keys_scope'))
    )
    with op.batch_alter_table('data_keys', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_data_keys_master_version'), ['master_version'], unique=False)

    op.create_table('municipalities',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('created_at', caseflow.db.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_municipalities')),
    sa.UniqueConstraint('code', name=op.f('uq_municipalities_code')),
    sa.UniqueConstraint('name', name=op.f('uq_municipalities_name'))
    )
    op.create_table('sign_in_failures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key_digest', sa.String(length=64), nullable=False),
    sa.Column('at', caseflow.db.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sign_in_failures'))
    )
    with op.batch_alter_table('sign_in_failures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sign_in_failures_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_sign_in_failures_key_digest'), ['key_digest'], unique=False)

    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=200), nullable=False),
    sa.Column('full_name', sa.String(length=200), nullable=False),
    sa.Column('email', sa.String(length=200), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=True),
    sa.Column('password_changed_at', caseflow.db.UTCDateTime(), nullable=True),
    sa.Column('is_active_account', sa.Boolean(), nullable=False),
    sa.Column('locale', sa.String(length=5), nullable=False),
    sa.Column('totp_secret_enc', sa.LargeBinary(), nullable=True),
    sa.Column('totp_last_counter', sa.Integer(), nullable=True),
    sa.Column('totp_enrolled_at', caseflow.db.UTCDateTime(), nullable=True),
    sa.Column('created_at', caseflow.db.UTCDateTime(), nullable=False),
    sa.Column('last_sign_in_at', caseflow.db.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('username', name=op.f('uq_users_username'))
    )
    op.create_table('audit_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('at', caseflow.db.UTCDateTime(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('username', sa.String(length=200), nullable=True),
    sa.Column('role', sa.String(length=40), nullable=True),
    sa.Column('institution_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=60), nullable=False),
    sa.Column('object_type', sa.String(length=40), nullable=True),
    sa.Column('object_id', sa.Integer(), nullable=True),
    sa.Column('pupil_id', sa.Integer(), nullable=True),
    sa.Column('ip', sa.String(length=64), nullable=True),
    sa.Column('request_id', sa.String(length=40), nullable=True),
    sa.Column('detail', sa.Text(), nullable=False),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_audit_log_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log')),
    sa.UniqueConstraint('seq', name=op.f('uq_audit_log_seq'))
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_log_action'), ['action'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_log_at'), ['at'], unique=False)
        batch_op.create_index('ix_audit_log_pupil_seq', ['pupil_id', 'seq'], unique=False)
        batch_op.create_index('ix_audit_log_user_seq', ['user_id', 'seq'], unique=False)
        batch_op.create_index('ix_audit_log_institution_seq', ['institution_id', 'seq'], unique=False)

    op.create_table('cooperation_groups',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=False),
    sa.Column('level', sa.String(length=20), nullable=False),
    sa.Column('escalates_to_id', sa.Integer(), nullable=True),
    sa.Column('measures_are', sa.String(length=20), nullable=False),
    sa.Column('founding_decision_date', sa.Date(), nullable=True),
    sa.Column('founding_decision_number', sa.String(length=60), nullable=True),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('created_at', caseflow.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['escalates_to_id'], ['cooperation_groups.id'], name=op.f('fk_cooperation_groups_escalates_to_id_cooperation_groups')),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipalities.id'], name=op.f('fk_cooperation_groups_municipality_id_municipalities')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cooperation_groups'))
    )
    with op.batch_alter_table('cooperation_groups', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cooperation_groups_municipality_id'), ['municipality_id'], unique=False)

    op.create_table('institutions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('ownership', sa.String(length=20), nullable=False),
    sa.Column('registration_number', sa.String(length=40), nullable=True),
    sa.Column('email', sa.String(length=200), nullable=True),
    sa.Column('opened_on', sa.Date(), nullable=True),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('merged_on', sa.Date(), nullable=True),
    sa.Column('merged_into_id', sa.Integer(), nullable=True),
    sa.Column('created_at', caseflow.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['merged_into_id'], ['institutions.id'], name=op.f('fk_institutions_merged_into_id_institutions')),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipalities.id'], name=op.f('fk_institutions_municipality_id_municipalities')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_institutions')),
    sa.UniqueConstraint('registration_number', name=op.f('uq_institutions_registration_number'))
    )
    with op.batch_alter_table('institutions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_institutions_municipality_id'), ['municipality_id'], unique=False)

    op.create_table('municipal_settings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.Column('updated_at', caseflow.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipalities.id'], name=op.f('fk_municipal_settings_municipality_id_municipalities')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_municipal_settings')),
    sa.UniqueConstraint('municipality_id', 'key', name=op.f('uq_municipal_settings_municipality_id'))
    )
    with op.batch_alter_table('municipal_settings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_municipal_settings_municipality_id'), ['municipality_id'], unique=False)

    op.create_table('outbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('to_address', sa.String(length=200), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('ics', sa.Text(), nullable=True),
    sa.Column('created_at', caseflow.db.UTCDateTime(), nullable=False),
    sa.Column('next_attempt_at', caseflow.db.UTCDateTime(), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('sent_at', caseflow.db.UTCDateTime(), nullable=True),
    sa.Column('failed_at', caseflow.db.UTCDateTime(), nullable=True),
    sa.Column('last_error', sa.String(length=500), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_outbox_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox'))
    )
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_due', ['sent_at', 'next_attempt_at'], unique=False)

    op.create_table('password_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_digest', sa.String(length=64), nullable=False),
    sa.Column('purpose', sa.String(length=10), nullable=False),
    sa.Column('created_at', caseflow.db.UTCDateTime(), nullable=False),
    sa.Column('expires_at', caseflow.db.UTCDateTime(), nullable=False),
    sa.Column('used_at', caseflow.db.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_password_tokens_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_password_tokens')),
    sa.UniqueConstraint('token_digest', name=op.f('uq_password_tokens_token_digest'))
    )
    with op.batch_alter_table('password_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_password_tokens_user_id'), ['user_id'], unique=False)

    op.create_table('recovery_codes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('code_digest', sa.String(length=64), nullable=False),
    sa.Column('created_at', caseflow.db.UTCDateTime(), nullable=False),
    sa.Column('used_at', caseflow.db.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_recovery_codes_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recovery_codes'))
    )
    with op.batch_alter_table('recovery_codes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recovery_codes_user_id'), ['user_id'], unique=False)

    op.create_table('semesters',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=False),
    sa.Column('school_year', sa.String(length=9), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('created_at', caseflow.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipalities.id'], name=op.f('fk_semesters_municipality_id_municipalities')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_semesters')),
    sa.UniqueConstraint('municipality_id', 'school_year', 'number', name=op.f('uq_semesters_municipality_id'))
    )
    with op.batch_alter_table('semesters', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_semesters_municipality_id'), ['municipality_id'], unique=False)

    op.create_table('group_members',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('institution_id', sa.Integer(), nullable=False),
    sa.Column('office', sa.String(length=200), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('is_chair', sa.Boolean(), nullable=False),
    sa.Column('term_from', sa.Date(), nullable=True),
    sa.Column('term_to', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['group_id'], ['cooperation_groups.id'], name=op.f('fk_group_members_group_id_cooperation_groups')),
    sa.ForeignKeyConstraint(['institution_id'], ['institutions.id'], name=op.f('fk_group_members_institution_id_institutions')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_group_members_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_group_members'))
    )
    with op.batch_alter_table('group_members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_group_members_group_id'), ['group_id'], unique=False)

    op.create_table('group_municipalities',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['group_id'], ['cooperation_groups.id'], name=op.f('fk_group_municipalities_group_id_cooperation_groups')),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipalities.id'], name=op.f('fk_group_municipalities_municipality_id_municipalities')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_group_municipalities')),
    sa.UniqueConstraint('group_id', 'municipality_id', name=op.f('uq_group_municipalities_group_id'))
    )
    with op.batch_alter_table('group_municipalities', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_group_municipalities_group_id'), ['group_id'], unique=False)

    op.create_table('memberships',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('institution_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=40), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=True),
    sa.Column('valid_from', sa.Date(), nullable=True),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.Column('created_at', caseflow.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['institution_id'], ['institutions.id'], name=op.f('fk_memberships_institution_id_institutions')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_memberships_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_memberships')),
    sa.UniqueConstraint('user_id', 'institution_id', 'role', name=op.f('uq_memberships_user_id'))
    )
    with op.batch_alter_table('memberships', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_memberships_institution_id'), ['institution_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_memberships_user_id'), ['user_id'], unique=False)

    op.create_table('pupils',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('first_name', sa.String(length=100), nullable=False),
    sa.Column('last_name', sa.String(length=100), nullable=False),
    sa.Column('first_name_key', sa.String(length=100).with_variant(sa.String(length=100, collation='C'), 'postgresql'), nullable=False),
    sa.Column('last_name_key', sa.String(length=100).with_variant(sa.String(length=100, collation='C'), 'postgresql'), nullable=False),
    sa.Column('birth_date', sa.Date(), nullable=True),
    sa.Column('personal_code_enc', sa.LargeBinary(), nullable=True),
    sa.Column('personal_code_index', sa.String(length=64), nullable=True),
    sa.Column('declared_municipality_id', sa.Integer(), nullable=True),
    sa.Column('created_at', caseflow.db.UTCDateTime(), nullable=False),
    sa.Column('created_by_institution_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_institution_id'], ['institutions.id'], name=op.f('fk_pupils_created_by_institution_id_institutions')),
    sa.ForeignKeyConstraint(['declared_municipality_id'], ['municipalities.id'], name=op.f('fk_pupils_declared_municipality_id_municipalities')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pupils')),
    sa.UniqueConstraint('personal_code_index', name=op.f('uq_pupils_personal_code_index'))
    )
    with op.batch_alter_table('pupils', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pupils_declared_municipality_id'), ['declared_municipality_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pupils_first_name_key'), ['first_name_key'], unique=False)
        batch_op.create_index('ix_pupils_name_key', ['last_name_key', 'first_name_key', 'id'], unique=False)

    op.create_table('enrolments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pupil_id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('class_name', sa.String(length=20), nullable=False),
    sa.Column('grade', sa.Integer(), nullable=True),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['pupil_id'], ['pupils.id'], name=op.f('fk_enrolments_pupil_id_pupils')),
    sa.ForeignKeyConstraint(['school_id'], ['institutions.id'], name=op.f('fk_enrolments_school_id_institutions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enrolments'))
    )
    with op.batch_alter_table('enrolments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_enrolments_pupil_id'), ['pupil_id'], unique=False)
        batch_op.create_index('ix_enrolments_school_current', ['school_id', 'end_date'], unique=False)

    op.create_table('user_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_digest', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('membership_id', sa.Integer(), nullable=True),
    sa.Column('created_at', caseflow.db.UTCDateTime(), nullable=False),
    sa.Column('last_seen_at', caseflow.db.UTCDateTime(), nullable=False),
    sa.Column('ip', sa.String(length=64), nullable=True),
    sa.Column('user_agent', sa.String(length=255), nullable=True),
    sa.Column('ended_at', caseflow.db.UTCDateTime(), nullable=True),
    sa.Column('end_reason', sa.String(length=40), nullable=True),
    sa.ForeignKeyConstraint(['membership_id'], ['memberships.id'], name=op.f('fk_user_sessions_membership_id_memberships')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_user_sessions_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_sessions')),
    sa.UniqueConstraint('token_digest', name=op.f('uq_user_sessions_token_digest'))
    )
    with op.batch_alter_table('user_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_sessions_user_id'), ['user_id'], unique=False)
    audit_head = sa.table("audit_head", sa.column("id", sa.Integer), sa.column("seq", sa.Integer),
                          sa.column("hash", sa.String))
    op.bulk_insert(audit_head, [{"id": 1, "seq": 0, "hash": "0" * 64}])
    if op.get_bind().dialect.name == "postgresql":
        for statement in APPEND_ONLY_SQL:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in DROP_SQL:
            op.execute(statement)
    with op.batch_alter_table('user_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_sessions_user_id'))

    op.drop_table('user_sessions')
    with op.batch_alter_table('enrolments', schema=None) as batch_op:
        batch_op.drop_index('ix_enrolments_school_current')
        batch_op.drop_index(batch_op.f('ix_enrolments_pupil_id'))

    op.drop_table('enrolments')
    with op.batch_alter_table('pupils', schema=None) as batch_op:
        batch_op.drop_index('ix_pupils_name_key')
        batch_op.drop_index(batch_op.f('ix_pupils_first_name_key'))
        batch_op.drop_index(batch_op.f('ix_pupils_declared_municipality_id'))

    op.drop_table('pupils')
    with op.batch_alter_table('memberships', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_memberships_user_id'))
        batch_op.drop_index(batch_op.f('ix_memberships_institution_id'))

    op.drop_table('memberships')
    with op.batch_alter_table('group_municipalities', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_group_municipalities_group_id'))

    op.drop_table('group_municipalities')
    with op.batch_alter_table('group_members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_group_members_group_id'))

    op.drop_table('group_members')
    with op.batch_alter_table('semesters', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_semesters_municipality_id'))

    op.drop_table('semesters')
    with op.batch_alter_table('recovery_codes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recovery_codes_user_id'))

    op.drop_table('recovery_codes')
    with op.batch_alter_table('password_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_password_tokens_user_id'))

    op.drop_table('password_tokens')
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_due')

    op.drop_table('outbox')
    with op.batch_alter_table('municipal_settings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_municipal_settings_municipality_id'))

    op.drop_table('municipal_settings')
    with op.batch_alter_table('institutions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_institutions_municipality_id'))

    op.drop_table('institutions')
    with op.batch_alter_table('cooperation_groups', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cooperation_groups_municipality_id'))

    op.drop_table('cooperation_groups')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_log_institution_seq')
        batch_op.drop_index('ix_audit_log_user_seq')
        batch_op.drop_index('ix_audit_log_pupil_seq')
        batch_op.drop_index(batch_op.f('ix_audit_log_at'))
        batch_op.drop_index(batch_op.f('ix_audit_log_action'))

    op.drop_table('audit_log')
    op.drop_table('users')
    with op.batch_alter_table('sign_in_failures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sign_in_failures_key_digest'))
        batch_op.drop_index(batch_op.f('ix_sign_in_failures_at'))

    op.drop_table('sign_in_failures')
    op.drop_table('municipalities')
    with op.batch_alter_table('data_keys', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_data_keys_master_version'))

    op.drop_table('data_keys')
    op.drop_table('audit_head')
