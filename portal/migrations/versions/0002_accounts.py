"""Public accounts and sign-in codes; staff roles and authority; outbox delivery state.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 09:08:55.632086

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('public_user',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('public_id', sa.String(length=32), nullable=False),
    sa.Column('email', sa.String(length=320), nullable=True),
    sa.Column('phone', sa.String(length=40), nullable=True),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('password_hash', sa.String(length=200), nullable=True),
    sa.Column('email_confirmed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('pending_email', sa.String(length=320), nullable=True),
    sa.Column('preferred_language', sa.String(length=8), nullable=False),
    sa.Column('communication_needs', sa.JSON(), nullable=False),
    sa.Column('interpreter_language', sa.String(length=100), nullable=False),
    sa.Column('communication_other', sa.Text(), nullable=False),
    sa.Column('contact_preferences', sa.JSON(), nullable=False),
    sa.Column('contact_note', sa.Text(), nullable=False),
    sa.Column('totp_secret', sa.String(length=64), nullable=True),
    sa.Column('last_totp_step', sa.Integer(), nullable=False),
    sa.Column('session_epoch', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('invited_by_staff_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['invited_by_staff_id'], ['staff_user.id'], name=op.f('fk_public_user_invited_by_staff_id_staff_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_public_user')),
    sa.UniqueConstraint('email', name=op.f('uq_public_user_email')),
    sa.UniqueConstraint('public_id', name=op.f('uq_public_user_public_id'))
    )
    op.create_table('one_time_code',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('purpose', sa.String(length=20), nullable=False),
    sa.Column('code_hash', sa.String(length=128), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['public_user.id'], name=op.f('fk_one_time_code_user_id_public_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_one_time_code'))
    )
    with op.batch_alter_table('one_time_code', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_one_time_code_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('channel', sa.String(length=8), nullable=False, server_default='email'))
        batch_op.add_column(sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('last_error', sa.String(length=120), nullable=False, server_default=''))
        batch_op.create_index(batch_op.f('ix_outbox_message_next_attempt_at'), ['next_attempt_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_message_status'), ['status'], unique=False)

    with op.batch_alter_table('staff_user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('roles', sa.JSON(), nullable=False, server_default='[]'))
        batch_op.add_column(sa.Column('authority_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('invited_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.alter_column('password_hash',
               existing_type=sa.VARCHAR(length=200),
               nullable=True)
        batch_op.create_index(batch_op.f('ix_staff_user_authority_id'), ['authority_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_staff_user_authority_id_partner_authority'), 'partner_authority', ['authority_id'], ['id'])



def downgrade():
    with op.batch_alter_table('staff_user', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_staff_user_authority_id_partner_authority'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_staff_user_authority_id'))
        batch_op.alter_column('password_hash',
               existing_type=sa.VARCHAR(length=200),
               nullable=False)
        batch_op.drop_column('invited_at')
        batch_op.drop_column('authority_id')
        batch_op.drop_column('roles')

    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_message_status'))
        batch_op.drop_index(batch_op.f('ix_outbox_message_next_attempt_at'))
        batch_op.drop_column('last_error')
        batch_op.drop_column('next_attempt_at')
        batch_op.drop_column('channel')

    with op.batch_alter_table('one_time_code', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_one_time_code_user_id'))

    op.drop_table('one_time_code')
    op.drop_table('public_user')
