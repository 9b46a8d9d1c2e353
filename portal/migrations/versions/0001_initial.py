"""The first tables: agency, partner authorities, staff, enquiries, audit trail, outbox, drafts.

Revision ID: 0001
Revises: 
Create Date: 2026-11-25 08:56:34.534301

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('agency',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('short_name', sa.String(length=40), nullable=False),
    sa.Column('email', sa.String(length=320), nullable=False),
    sa.Column('phone', sa.String(length=40), nullable=False),
    sa.Column('address', sa.Text(), nullable=False),
    sa.Column('duty_hours', sa.String(length=200), nullable=False),
    sa.Column('website', sa.String(length=300), nullable=False),
    sa.Column('enquiry_response_days', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agency'))
    )
    op.create_table('draft',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_draft')),
    sa.UniqueConstraint('token', name=op.f('uq_draft_token'))
    )
    with op.batch_alter_table('draft', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_draft_updated_at'), ['updated_at'], unique=False)

    op.create_table('outbox_message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('public_id', sa.String(length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('recipient', sa.String(length=320), nullable=False),
    sa.Column('locale', sa.String(length=8), nullable=False),
    sa.Column('template', sa.String(length=64), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_message')),
    sa.UniqueConstraint('public_id', name=op.f('uq_outbox_message_public_id'))
    )
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbox_message_created_at'), ['created_at'], unique=False)

    op.create_table('partner_authority',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=60), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_partner_authority')),
    sa.UniqueConstraint('name', name=op.f('uq_partner_authority_name')),
    sa.UniqueConstraint('slug', name=op.f('uq_partner_authority_slug'))
    )
    op.create_table('staff_user',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('public_id', sa.String(length=32), nullable=False),
    sa.Column('email', sa.String(length=320), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('password_hash', sa.String(length=200), nullable=False),
    sa.Column('totp_secret', sa.String(length=64), nullable=True),
    sa.Column('last_totp_step', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('session_epoch', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_user')),
    sa.UniqueConstraint('email', name=op.f('uq_staff_user_email')),
    sa.UniqueConstraint('public_id', name=op.f('uq_staff_user_public_id'))
    )
    op.create_table('audit_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('object_type', sa.String(length=32), nullable=False),
    sa.Column('object_id', sa.String(length=64), nullable=False),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['staff_id'], ['staff_user.id'], name=op.f('fk_audit_event_staff_id_staff_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_event'))
    )
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_event_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_event_object_id'), ['object_id'], unique=False)

    op.create_table('enquiry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('public_id', sa.String(length=32), nullable=False),
    sa.Column('reference', sa.String(length=16), nullable=False),
    sa.Column('submission_key', sa.String(length=64), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('full_name', sa.String(length=200), nullable=False),
    sa.Column('email', sa.String(length=320), nullable=False),
    sa.Column('phone', sa.String(length=40), nullable=False),
    sa.Column('authority_id', sa.Integer(), nullable=True),
    sa.Column('adoption_type', sa.String(length=20), nullable=False),
    sa.Column('wants', sa.JSON(), nullable=False),
    sa.Column('source', sa.String(length=24), nullable=False),
    sa.Column('source_other', sa.String(length=200), nullable=False),
    sa.Column('preferred_language', sa.String(length=8), nullable=False),
    sa.Column('preferred_language_other', sa.String(length=100), nullable=False),
    sa.Column('communication_needs', sa.JSON(), nullable=False),
    sa.Column('interpreter_language', sa.String(length=100), nullable=False),
    sa.Column('communication_other', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('first_response_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['authority_id'], ['partner_authority.id'], name=op.f('fk_enquiry_authority_id_partner_authority')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enquiry')),
    sa.UniqueConstraint('public_id', name=op.f('uq_enquiry_public_id')),
    sa.UniqueConstraint('reference', name=op.f('uq_enquiry_reference')),
    sa.UniqueConstraint('submission_key', name=op.f('uq_enquiry_submission_key'))
    )
    with op.batch_alter_table('enquiry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_enquiry_authority_id'), ['authority_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_enquiry_received_at'), ['received_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_enquiry_source'), ['source'], unique=False)
        batch_op.create_index(batch_op.f('ix_enquiry_status'), ['status'], unique=False)

    op.create_table('step_parent_cap',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('authority_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('places', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['authority_id'], ['partner_authority.id'], name=op.f('fk_step_parent_cap_authority_id_partner_authority')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_step_parent_cap')),
    sa.UniqueConstraint('authority_id', 'year', name='uq_step_parent_cap_authority_year')
    )
    op.create_table('enquiry_response',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enquiry_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['enquiry_id'], ['enquiry.id'], name=op.f('fk_enquiry_response_enquiry_id_enquiry')),
    sa.ForeignKeyConstraint(['staff_id'], ['staff_user.id'], name=op.f('fk_enquiry_response_staff_id_staff_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enquiry_response'))
    )
    with op.batch_alter_table('enquiry_response', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_enquiry_response_enquiry_id'), ['enquiry_id'], unique=False)


    # The audit trail is append-only: on PostgreSQL the database itself refuses changes and deletions.
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            """
            CREATE FUNCTION audit_event_refuse_change() RETURNS trigger AS $$
            BEGIN
                RAISE EXCEPTION 'audit events are never changed or deleted';
            END;
            $$ LANGUAGE plpgsql;
            """
        )
        op.execute(
            "CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event "
            "FOR EACH ROW EXECUTE FUNCTION audit_event_refuse_change();"
        )


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_event_append_only ON audit_event;")
        op.execute("DROP FUNCTION IF EXISTS audit_event_refuse_change();")
    with op.batch_alter_table('enquiry_response', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_enquiry_response_enquiry_id'))

    op.drop_table('enquiry_response')
    op.drop_table('step_parent_cap')
    with op.batch_alter_table('enquiry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_enquiry_status'))
        batch_op.drop_index(batch_op.f('ix_enquiry_source'))
        batch_op.drop_index(batch_op.f('ix_enquiry_received_at'))
        batch_op.drop_index(batch_op.f('ix_enquiry_authority_id'))

    op.drop_table('enquiry')
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_event_object_id'))
        batch_op.drop_index(batch_op.f('ix_audit_event_at'))

    op.drop_table('audit_event')
    op.drop_table('staff_user')
    op.drop_table('partner_authority')
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_message_created_at'))

    op.drop_table('outbox_message')
    with op.batch_alter_table('draft', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_draft_updated_at'))

    op.drop_table('draft')
    op.drop_table('agency')
