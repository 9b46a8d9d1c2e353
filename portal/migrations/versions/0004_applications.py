"""Applications to adopt: registration of interest with one or two applicants, Stage One checks,
documents and training, Stage Two visits, panel and decision, and secure messages.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 11:24:45.570482

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('training_course',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('public_id', sa.String(length=32), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('venue', sa.String(length=200), nullable=False),
    sa.Column('places', sa.Integer(), nullable=False),
    sa.Column('cancelled', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_course')),
    sa.UniqueConstraint('public_id', name=op.f('uq_training_course_public_id'))
    )
    with op.batch_alter_table('training_course', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_training_course_starts_at'), ['starts_at'], unique=False)

    op.create_table('application',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('public_id', sa.String(length=32), nullable=False),
    sa.Column('reference', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('joint', sa.Boolean(), nullable=False),
    sa.Column('answers', sa.JSON(), nullable=False),
    sa.Column('completed_sections', sa.JSON(), nullable=False),
    sa.Column('enquiry_id', sa.Integer(), nullable=True),
    sa.Column('authority_id', sa.Integer(), nullable=True),
    sa.Column('fast_track', sa.Boolean(), nullable=False),
    sa.Column('worker_id', sa.Integer(), nullable=True),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('registration_decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decline_reasons', sa.Text(), nullable=False),
    sa.Column('stage_one_started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('stage_one_plan', sa.Text(), nullable=False),
    sa.Column('stage_one_recommendation', sa.String(length=16), nullable=False),
    sa.Column('stage_one_reasons', sa.Text(), nullable=False),
    sa.Column('stage_one_recommended_by_id', sa.Integer(), nullable=True),
    sa.Column('stage_one_decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('stage_one_signed_off_by_id', sa.Integer(), nullable=True),
    sa.Column('break_started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('break_until', sa.Date(), nullable=True),
    sa.Column('break_reminder_sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('stage_two_started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('par_text', sa.Text(), nullable=False),
    sa.Column('par_shared_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('par_comments', sa.Text(), nullable=False),
    sa.Column('par_commented_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('panel_date', sa.Date(), nullable=True),
    sa.Column('panel_recommendation', sa.String(length=16), nullable=False),
    sa.Column('panel_recorded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decision', sa.String(length=16), nullable=False),
    sa.Column('decision_reasons', sa.Text(), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('approved_on', sa.Date(), nullable=True),
    sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('withdraw_reason', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['authority_id'], ['partner_authority.id'], name=op.f('fk_application_authority_id_partner_authority')),
    sa.ForeignKeyConstraint(['enquiry_id'], ['enquiry.id'], name=op.f('fk_application_enquiry_id_enquiry')),
    sa.ForeignKeyConstraint(['stage_one_recommended_by_id'], ['staff_user.id'], name=op.f('fk_application_stage_one_recommended_by_id_staff_user')),
    sa.ForeignKeyConstraint(['stage_one_signed_off_by_id'], ['staff_user.id'], name=op.f('fk_application_stage_one_signed_off_by_id_staff_user')),
    sa.ForeignKeyConstraint(['worker_id'], ['staff_user.id'], name=op.f('fk_application_worker_id_staff_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_application')),
    sa.UniqueConstraint('public_id', name=op.f('uq_application_public_id')),
    sa.UniqueConstraint('reference', name=op.f('uq_application_reference'))
    )
    with op.batch_alter_table('application', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_application_authority_id'), ['authority_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_application_enquiry_id'), ['enquiry_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_application_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_application_submitted_at'), ['submitted_at'], unique=False)

    op.create_table('applicant',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('public_id', sa.String(length=32), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('public_user_id', sa.Integer(), nullable=True),
    sa.Column('open_for_user_id', sa.Integer(), nullable=True),
    sa.Column('invite_email', sa.String(length=320), nullable=False),
    sa.Column('invite_token_hash', sa.String(length=128), nullable=True),
    sa.Column('invited_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('answers', sa.JSON(), nullable=False),
    sa.Column('completed_sections', sa.JSON(), nullable=False),
    sa.Column('signed_name', sa.String(length=200), nullable=False),
    sa.Column('signed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('declaration_version', sa.String(length=16), nullable=False),
    sa.Column('declaration_text', sa.Text(), nullable=False),
    sa.Column('consent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('consent_version', sa.String(length=16), nullable=False),
    sa.Column('consent_text', sa.Text(), nullable=False),
    sa.Column('stage_one_answers', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['application.id'], name=op.f('fk_applicant_application_id_application')),
    sa.ForeignKeyConstraint(['open_for_user_id'], ['public_user.id'], name=op.f('fk_applicant_open_for_user_id_public_user')),
    sa.ForeignKeyConstraint(['public_user_id'], ['public_user.id'], name=op.f('fk_applicant_public_user_id_public_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_applicant')),
    sa.UniqueConstraint('application_id', 'position', name=op.f('uq_applicant_application_id')),
    sa.UniqueConstraint('invite_token_hash', name=op.f('uq_applicant_invite_token_hash')),
    sa.UniqueConstraint('open_for_user_id', name=op.f('uq_applicant_open_for_user_id')),
    sa.UniqueConstraint('public_id', name=op.f('uq_applicant_public_id'))
    )
    with op.batch_alter_table('applicant', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_applicant_application_id'), ['application_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_applicant_public_user_id'), ['public_user_id'], unique=False)

    op.create_table('home_visit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('public_id', sa.String(length=32), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('purpose', sa.String(length=200), nullable=False),
    sa.Column('done', sa.Boolean(), nullable=False),
    sa.Column('cancelled', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['application.id'], name=op.f('fk_home_visit_application_id_application')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_home_visit')),
    sa.UniqueConstraint('public_id', name=op.f('uq_home_visit_public_id'))
    )
    with op.batch_alter_table('home_visit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_home_visit_application_id'), ['application_id'], unique=False)

    op.create_table('training_booking',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('booked_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('attended', sa.Boolean(), nullable=True),
    sa.ForeignKeyConstraint(['application_id'], ['application.id'], name=op.f('fk_training_booking_application_id_application')),
    sa.ForeignKeyConstraint(['course_id'], ['training_course.id'], name=op.f('fk_training_booking_course_id_training_course')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_booking')),
    sa.UniqueConstraint('application_id', 'course_id', name=op.f('uq_training_booking_application_id'))
    )
    with op.batch_alter_table('training_booking', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_training_booking_application_id'), ['application_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_training_booking_course_id'), ['course_id'], unique=False)

    op.create_table('application_check',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('public_id', sa.String(length=32), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('applicant_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('requested_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('staff_note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['applicant_id'], ['applicant.id'], name=op.f('fk_application_check_applicant_id_applicant')),
    sa.ForeignKeyConstraint(['application_id'], ['application.id'], name=op.f('fk_application_check_application_id_application')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_application_check')),
    sa.UniqueConstraint('public_id', name=op.f('uq_application_check_public_id'))
    )
    with op.batch_alter_table('application_check', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_application_check_application_id'), ['application_id'], unique=False)

    op.create_table('application_document',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('public_id', sa.String(length=32), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('applicant_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('content_type', sa.String(length=40), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['applicant_id'], ['applicant.id'], name=op.f('fk_application_document_applicant_id_applicant')),
    sa.ForeignKeyConstraint(['application_id'], ['application.id'], name=op.f('fk_application_document_application_id_application')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_application_document')),
    sa.UniqueConstraint('public_id', name=op.f('uq_application_document_public_id'))
    )
    with op.batch_alter_table('application_document', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_application_document_application_id'), ['application_id'], unique=False)

    op.create_table('application_message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=True),
    sa.Column('applicant_id', sa.Integer(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['applicant_id'], ['applicant.id'], name=op.f('fk_application_message_applicant_id_applicant')),
    sa.ForeignKeyConstraint(['application_id'], ['application.id'], name=op.f('fk_application_message_application_id_application')),
    sa.ForeignKeyConstraint(['staff_id'], ['staff_user.id'], name=op.f('fk_application_message_staff_id_staff_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_application_message'))
    )
    with op.batch_alter_table('application_message', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_application_message_application_id'), ['application_id'], unique=False)



def downgrade():
    with op.batch_alter_table('application_message', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_application_message_application_id'))

    op.drop_table('application_message')
    with op.batch_alter_table('application_document', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_application_document_application_id'))

    op.drop_table('application_document')
    with op.batch_alter_table('application_check', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_application_check_application_id'))

    op.drop_table('application_check')
    with op.batch_alter_table('training_booking', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_training_booking_course_id'))
        batch_op.drop_index(batch_op.f('ix_training_booking_application_id'))

    op.drop_table('training_booking')
    with op.batch_alter_table('home_visit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_home_visit_application_id'))

    op.drop_table('home_visit')
    with op.batch_alter_table('applicant', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_applicant_public_user_id'))
        batch_op.drop_index(batch_op.f('ix_applicant_application_id'))

    op.drop_table('applicant')
    with op.batch_alter_table('application', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_application_submitted_at'))
        batch_op.drop_index(batch_op.f('ix_application_status'))
        batch_op.drop_index(batch_op.f('ix_application_enquiry_id'))
        batch_op.drop_index(batch_op.f('ix_application_authority_id'))

    op.drop_table('application')
    with op.batch_alter_table('training_course', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_training_course_starts_at'))

    op.drop_table('training_course')
