"""Requests from birth relatives and adopted adults, with secure messages; request timescales;
account holders' drafts.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 09:52:51.273688

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('service_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('public_id', sa.String(length=32), nullable=False),
    sa.Column('reference', sa.String(length=16), nullable=False),
    sa.Column('submission_key', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('public_user_id', sa.Integer(), nullable=True),
    sa.Column('claim_code_hash', sa.String(length=128), nullable=True),
    sa.Column('full_name', sa.String(length=200), nullable=False),
    sa.Column('email', sa.String(length=320), nullable=False),
    sa.Column('phone', sa.String(length=40), nullable=False),
    sa.Column('date_of_birth', sa.Date(), nullable=True),
    sa.Column('relation_to_child', sa.String(length=40), nullable=False),
    sa.Column('authority_id', sa.Integer(), nullable=True),
    sa.Column('answers', sa.JSON(), nullable=False),
    sa.Column('contact_methods', sa.JSON(), nullable=False),
    sa.Column('safe_contact', sa.JSON(), nullable=False),
    sa.Column('safe_times', sa.Text(), nullable=False),
    sa.Column('preferred_language', sa.String(length=8), nullable=False),
    sa.Column('communication_needs', sa.JSON(), nullable=False),
    sa.Column('interpreter_language', sa.String(length=100), nullable=False),
    sa.Column('communication_other', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('worker_id', sa.Integer(), nullable=True),
    sa.Column('allocated_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('first_contact_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('next_step', sa.Text(), nullable=False),
    sa.Column('outcome_reason', sa.Text(), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['authority_id'], ['partner_authority.id'], name=op.f('fk_service_request_authority_id_partner_authority')),
    sa.ForeignKeyConstraint(['public_user_id'], ['public_user.id'], name=op.f('fk_service_request_public_user_id_public_user')),
    sa.ForeignKeyConstraint(['worker_id'], ['staff_user.id'], name=op.f('fk_service_request_worker_id_staff_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service_request')),
    sa.UniqueConstraint('public_id', name=op.f('uq_service_request_public_id')),
    sa.UniqueConstraint('reference', name=op.f('uq_service_request_reference')),
    sa.UniqueConstraint('submission_key', name=op.f('uq_service_request_submission_key'))
    )
    with op.batch_alter_table('service_request', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_service_request_authority_id'), ['authority_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_service_request_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_service_request_public_user_id'), ['public_user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_service_request_received_at'), ['received_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_service_request_status'), ['status'], unique=False)

    op.create_table('request_message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['request_id'], ['service_request.id'], name=op.f('fk_request_message_request_id_service_request')),
    sa.ForeignKeyConstraint(['staff_id'], ['staff_user.id'], name=op.f('fk_request_message_staff_id_staff_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_request_message'))
    )
    with op.batch_alter_table('request_message', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_request_message_request_id'), ['request_id'], unique=False)

    with op.batch_alter_table('agency', schema=None) as batch_op:
        batch_op.add_column(sa.Column('request_allocation_days', sa.Integer(), nullable=False, server_default='20'))
        batch_op.add_column(sa.Column('request_contact_days', sa.Integer(), nullable=False, server_default='5'))

    with op.batch_alter_table('draft', schema=None) as batch_op:
        batch_op.add_column(sa.Column('public_user_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_draft_public_user_id'), ['public_user_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_draft_public_user_id_public_user'), 'public_user', ['public_user_id'], ['id'])



def downgrade():
    with op.batch_alter_table('draft', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_draft_public_user_id_public_user'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_draft_public_user_id'))
        batch_op.drop_column('public_user_id')

    with op.batch_alter_table('agency', schema=None) as batch_op:
        batch_op.drop_column('request_contact_days')
        batch_op.drop_column('request_allocation_days')

    with op.batch_alter_table('request_message', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_request_message_request_id'))

    op.drop_table('request_message')
    with op.batch_alter_table('service_request', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_service_request_status'))
        batch_op.drop_index(batch_op.f('ix_service_request_received_at'))
        batch_op.drop_index(batch_op.f('ix_service_request_public_user_id'))
        batch_op.drop_index(batch_op.f('ix_service_request_kind'))
        batch_op.drop_index(batch_op.f('ix_service_request_authority_id'))

    op.drop_table('service_request')
