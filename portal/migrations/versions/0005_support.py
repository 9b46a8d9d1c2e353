"""Adoption support: referrals and their children, screening and sign-off, the assessment and
support plan with Support Fund applications, reviews, closure, messages, and the Support Fund's
limit per child by financial year; the agency's own content (what support it offers), per language.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 12:50:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('support_fund_limit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('pence_per_child', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_support_fund_limit')),
    sa.UniqueConstraint('year', name=op.f('uq_support_fund_limit_year'))
    )
    op.create_table('support_referral',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('public_id', sa.String(length=32), nullable=False),
    sa.Column('reference', sa.String(length=16), nullable=False),
    sa.Column('submission_key', sa.String(length=64), nullable=False),
    sa.Column('public_user_id', sa.Integer(), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('answers', sa.JSON(), nullable=False),
    sa.Column('urgent', sa.Boolean(), nullable=False),
    sa.Column('consent_to_share', sa.Boolean(), nullable=False),
    sa.Column('home_authority_id', sa.Integer(), nullable=True),
    sa.Column('home_elsewhere', sa.String(length=120), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('screening_outcome', sa.String(length=16), nullable=False),
    sa.Column('screening_notes', sa.Text(), nullable=False),
    sa.Column('screened_by_id', sa.Integer(), nullable=True),
    sa.Column('screened_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('signed_off_by_id', sa.Integer(), nullable=True),
    sa.Column('signed_off_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('mash_referred_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('mash_contact', sa.String(length=200), nullable=False),
    sa.Column('mash_reference', sa.String(length=100), nullable=False),
    sa.Column('worker_id', sa.Integer(), nullable=True),
    sa.Column('consent_recorded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('first_visit_on', sa.Date(), nullable=True),
    sa.Column('wishes_and_feelings', sa.Text(), nullable=False),
    sa.Column('assessment', sa.Text(), nullable=False),
    sa.Column('plan_shared_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('late_reason', sa.Text(), nullable=False),
    sa.Column('next_step', sa.Text(), nullable=False),
    sa.Column('next_step_on', sa.Date(), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closure_reason', sa.Text(), nullable=False),
    sa.Column('closure_letter', sa.Text(), nullable=False),
    sa.Column('closure_letter_sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('feedback_requested_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('transferred_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('transferred_to', sa.String(length=200), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['home_authority_id'], ['partner_authority.id'], name=op.f('fk_support_referral_home_authority_id_partner_authority')),
    sa.ForeignKeyConstraint(['public_user_id'], ['public_user.id'], name=op.f('fk_support_referral_public_user_id_public_user')),
    sa.ForeignKeyConstraint(['screened_by_id'], ['staff_user.id'], name=op.f('fk_support_referral_screened_by_id_staff_user')),
    sa.ForeignKeyConstraint(['signed_off_by_id'], ['staff_user.id'], name=op.f('fk_support_referral_signed_off_by_id_staff_user')),
    sa.ForeignKeyConstraint(['worker_id'], ['staff_user.id'], name=op.f('fk_support_referral_worker_id_staff_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_support_referral')),
    sa.UniqueConstraint('public_id', name=op.f('uq_support_referral_public_id')),
    sa.UniqueConstraint('reference', name=op.f('uq_support_referral_reference')),
    sa.UniqueConstraint('submission_key', name=op.f('uq_support_referral_submission_key'))
    )
    with op.batch_alter_table('support_referral', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_support_referral_home_authority_id'), ['home_authority_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_support_referral_public_user_id'), ['public_user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_support_referral_received_at'), ['received_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_support_referral_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_support_referral_urgent'), ['urgent'], unique=False)

    op.create_table('support_child',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('public_id', sa.String(length=32), nullable=False),
    sa.Column('referral_id', sa.Integer(), nullable=False),
    sa.Column('first_name', sa.String(length=100), nullable=False),
    sa.Column('date_of_birth', sa.Date(), nullable=False),
    sa.Column('placed_on', sa.Date(), nullable=True),
    sa.Column('order_made_on', sa.Date(), nullable=True),
    sa.Column('placing_authority_id', sa.Integer(), nullable=True),
    sa.Column('placing_authority_other', sa.String(length=120), nullable=False),
    sa.ForeignKeyConstraint(['placing_authority_id'], ['partner_authority.id'], name=op.f('fk_support_child_placing_authority_id_partner_authority')),
    sa.ForeignKeyConstraint(['referral_id'], ['support_referral.id'], name=op.f('fk_support_child_referral_id_support_referral')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_support_child')),
    sa.UniqueConstraint('public_id', name=op.f('uq_support_child_public_id'))
    )
    with op.batch_alter_table('support_child', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_support_child_referral_id'), ['referral_id'], unique=False)

    op.create_table('support_message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('referral_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['referral_id'], ['support_referral.id'], name=op.f('fk_support_message_referral_id_support_referral')),
    sa.ForeignKeyConstraint(['staff_id'], ['staff_user.id'], name=op.f('fk_support_message_staff_id_staff_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_support_message'))
    )
    with op.batch_alter_table('support_message', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_support_message_referral_id'), ['referral_id'], unique=False)

    op.create_table('support_review',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('public_id', sa.String(length=32), nullable=False),
    sa.Column('referral_id', sa.Integer(), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('shared_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['referral_id'], ['support_referral.id'], name=op.f('fk_support_review_referral_id_support_referral')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_support_review')),
    sa.UniqueConstraint('public_id', name=op.f('uq_support_review_public_id'))
    )
    with op.batch_alter_table('support_review', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_support_review_referral_id'), ['referral_id'], unique=False)

    op.create_table('support_plan_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('public_id', sa.String(length=32), nullable=False),
    sa.Column('referral_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('child_id', sa.Integer(), nullable=True),
    sa.Column('fund_amount_pence', sa.Integer(), nullable=True),
    sa.Column('fund_year', sa.Integer(), nullable=True),
    sa.Column('fund_status', sa.String(length=12), nullable=False),
    sa.ForeignKeyConstraint(['child_id'], ['support_child.id'], name=op.f('fk_support_plan_item_child_id_support_child')),
    sa.ForeignKeyConstraint(['referral_id'], ['support_referral.id'], name=op.f('fk_support_plan_item_referral_id_support_referral')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_support_plan_item')),
    sa.UniqueConstraint('public_id', name=op.f('uq_support_plan_item_public_id'))
    )
    with op.batch_alter_table('support_plan_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_support_plan_item_referral_id'), ['referral_id'], unique=False)



    op.create_table('agency_content',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=60), nullable=False),
    sa.Column('locale', sa.String(length=8), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['updated_by_id'], ['staff_user.id'], name=op.f('fk_agency_content_updated_by_id_staff_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agency_content')),
    sa.UniqueConstraint('key', 'locale', name='uq_agency_content_key_locale')
    )


def downgrade():
    op.drop_table('agency_content')
    with op.batch_alter_table('support_plan_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_support_plan_item_referral_id'))

    op.drop_table('support_plan_item')
    with op.batch_alter_table('support_review', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_support_review_referral_id'))

    op.drop_table('support_review')
    with op.batch_alter_table('support_message', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_support_message_referral_id'))

    op.drop_table('support_message')
    with op.batch_alter_table('support_child', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_support_child_referral_id'))

    op.drop_table('support_child')
    with op.batch_alter_table('support_referral', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_support_referral_urgent'))
        batch_op.drop_index(batch_op.f('ix_support_referral_status'))
        batch_op.drop_index(batch_op.f('ix_support_referral_received_at'))
        batch_op.drop_index(batch_op.f('ix_support_referral_public_user_id'))
        batch_op.drop_index(batch_op.f('ix_support_referral_home_authority_id'))

    op.drop_table('support_referral')
    op.drop_table('support_fund_limit')
