"""The application rules on their own: every move, every illegal move, and every clock, with bank
holidays and month ends."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from portal.accounts.models import PublicUser, StaffUser
from portal.adopting import application_clocks as clocks
from portal.adopting import application_rules as rules
from portal.adopting import assessment_rules as assessment
from portal.adopting import registration_rules as registration
from portal.adopting.application_models import Application, ApplicationStatus as S, CheckKind, CheckStatus
from portal.adopting.demo import applicant_answers, build_submitted, household_answers
from portal.core.db import db
from portal.core.outbox import OutboxMessage
from portal.core.timescales import Timeliness, add_months, timeliness_by
from portal.demo import DEMO_MANAGER, DEMO_STAFF
from tests.accounts.public_support import make_account

EMAIL = "ali.khan@people.example"
SECOND = "jo.khan@people.example"


def _user(email=EMAIL):
    return db.session.scalar(select(PublicUser).where(PublicUser.email == email))


def _staff(email):
    return db.session.scalar(select(StaffUser).where(StaffUser.email == email))


@pytest.fixture
def ctx(app, demo):
    make_account(app, email=EMAIL)
    make_account(app, email=SECOND)
    with app.test_request_context():
        yield


def _submitted():
    application = build_submitted(_user(), "warwickshire")
    db.session.flush()
    return application


def _templates():
    return [m.template for m in db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))]


def _referees():
    return [
        {"name": "A", "relative": "no"},
        {"name": "B", "relative": "yes"},
        {"name": "C", "relative": "no"},
    ]


def _through_stage_one(application):
    worker, manager = _staff(DEMO_STAFF), _staff(DEMO_MANAGER)
    rules.accept_registration(application, worker, None)
    applicant = application.applicants[0]
    assessment.give_consent(applicant, "consent words")
    for check in application.checks:
        assessment.record_check(check, CheckStatus.SATISFACTORY, "", None)
    assessment.recommend_stage_one(application, worker, True, "All well.", None)
    assessment.sign_off_stage_one(application, manager, True, None)
    return applicant


# ---------------------------------------------------------------------------------------------------
# Time


def test_months_end_on_the_last_day_the_month_has():
    assert add_months(date(2026, 12, 31), 2) == date(2027, 2, 28)
    assert add_months(date(2027, 12, 31), 2) == date(2028, 2, 29)  # a leap year
    assert add_months(date(2026, 10, 31), 4) == date(2027, 2, 28)
    assert add_months(date(2026, 8, 31), 1) == date(2026, 9, 30)
    assert add_months(date(2026, 11, 15), 2) == date(2027, 1, 15)
    assert add_months(date(2026, 11, 25), 6) == date(2027, 5, 25)


def test_timeliness_by_a_date():
    due = date(2027, 1, 29)  # a Friday
    assert timeliness_by(due, date(2027, 1, 20)) == Timeliness.ON_TIME
    assert timeliness_by(due, date(2027, 1, 27)) == Timeliness.DUE_SOON
    assert timeliness_by(due, date(2027, 1, 29)) == Timeliness.DUE_SOON
    assert timeliness_by(due, date(2027, 2, 1)) == Timeliness.OVERDUE
    assert timeliness_by(due, date(2027, 2, 1), finished=date(2027, 1, 29)) == Timeliness.DONE
    assert timeliness_by(due, date(2027, 2, 1), finished=date(2027, 1, 30)) == Timeliness.DONE_LATE


def test_the_registration_decision_clock_skips_christmas(ctx):
    application = _submitted()
    # Sent on Wednesday 23 December 2026: Christmas Day, the Boxing Day substitute (Monday 28th)
    # and New Year's Day are not working days, so the 5th working day is Monday 4 January.
    application.submitted_at = datetime(2026, 12, 23, 10, tzinfo=UTC)
    clock = clocks.clocks_of(application, date(2026, 12, 29))[0]
    assert clock.name == "registration_decision"
    assert clock.due == date(2027, 1, 4)
    assert clock.timeliness == Timeliness.ON_TIME
    assert clocks.clocks_of(application, date(2026, 12, 31))[0].timeliness == Timeliness.DUE_SOON
    assert clocks.clocks_of(application, date(2027, 1, 5))[0].timeliness == Timeliness.OVERDUE


def test_stage_one_accepted_on_new_years_eve_is_due_at_the_end_of_february(ctx):
    application = _submitted()
    rules.accept_registration(application, _staff(DEMO_STAFF), None)
    application.stage_one_started_at = datetime(2026, 12, 31, 15, tzinfo=UTC)
    clock = clocks.current_clock(application, date(2027, 1, 5))
    assert clock is not None and clock.name == "stage_one"
    assert clock.due == date(2027, 2, 28)
    assert clock.timeliness == Timeliness.ON_TIME
    assert clocks.current_clock(application, date(2027, 3, 1)).timeliness == Timeliness.OVERDUE


def test_stage_two_runs_four_months_from_the_notice_and_the_break_stops_no_clock(ctx):
    application = _submitted()
    _through_stage_one(application)
    today = date.today()
    assessment.take_break(application, today + timedelta(days=30), today)
    assert clocks.current_clock(application, today).name == "break"
    assessment.continue_to_stage_two(application)
    application.stage_two_started_at = datetime(2027, 1, 31, 12, tzinfo=UTC)
    clock = clocks.current_clock(application, date(2027, 2, 1))
    assert clock.name == "stage_two" and clock.due == date(2027, 5, 31)
    names = [c.name for c in clocks.clocks_of(application, date(2027, 2, 1))]
    assert names == ["registration_decision", "stage_one", "break", "stage_two"]
    assert all(c.finished for c in clocks.clocks_of(application, date(2027, 2, 1))[:3])


# ---------------------------------------------------------------------------------------------------
# The registration


def test_a_registration_links_the_earlier_enquiry_by_email(ctx):
    from portal.adopting.models import Enquiry

    enquiry = Enquiry(reference="ENQ-TEST-0001", submission_key="k", full_name="Ali", email="ALI.KHAN@people.example",
                      adoption_type="agency", source="event", preferred_language="en")
    db.session.add(enquiry)
    db.session.flush()
    application = registration.start_registration(_user(), joint=False)
    assert application.enquiry_id == enquiry.id
    assert application.reference.startswith("ROI-")


def test_one_open_application_at_a_time(ctx):
    _submitted()
    with pytest.raises(rules.NotAllowed) as refused:
        registration.start_registration(_user(), joint=False)
    assert refused.value.reason == "already_applying"


def test_a_registration_cannot_be_signed_until_every_part_is_done(ctx):
    application = registration.start_registration(_user(), joint=False)
    applicant = application.applicants[0]
    assert "home" in registration.missing_sections(application)
    with pytest.raises(rules.NotAllowed):
        registration.sign_registration(applicant, "Ali Khan", "text")
    with pytest.raises(ValueError):
        registration.save_household_section(application, "nonsense", {})
    with pytest.raises(ValueError):
        registration.save_applicant_section(applicant, "home", {})


def test_a_change_after_signing_clears_the_signatures(ctx):
    user, second = _user(), _user(SECOND)
    application = registration.start_registration(user, joint=True)
    for section, answers in household_answers("coventry").items():
        registration.save_household_section(application, section, answers)
    assert application.authority.slug == "coventry"
    registration.invite_second_applicant(application, SECOND, "cy")
    invitation = db.session.scalar(select(OutboxMessage).where(OutboxMessage.template == "application-joint-invitation"))
    assert invitation.locale == "cy" and invitation.recipient == SECOND
    token = invitation.body.split("/join/")[1].split()[0]
    assert registration.join_application(second, token) is application
    assert registration.missing_sections(application) == [f"{s}:{p}" for p in (1, 2) for s in registration.APPLICANT_SECTIONS]
    first, other = application.applicants
    for applicant, name in ((first, "Ali Khan"), (other, "Jo Khan")):
        for section, answers in applicant_answers(name).items():
            registration.save_applicant_section(applicant, section, answers)
    assert registration.sign_registration(first, "Ali Khan", "declaration") is False
    assert first.signed_at is not None and first.declaration_version == registration.DECLARATION_VERSION
    registration.save_household_section(application, "motivation", {"motivation": "changed"})
    assert first.signed_at is None and first.declaration_text == ""
    assert registration.sign_registration(first, "Ali Khan", "declaration") is False
    assert registration.sign_registration(other, "Jo Khan", "declaration") is True
    assert application.status == S.SUBMITTED and application.submitted_at is not None
    assert _templates().count("application-received") == 2
    with pytest.raises(rules.IllegalMove):
        registration.save_household_section(application, "motivation", {})


def test_invitations_are_single_use_and_only_for_drafts(ctx):
    application = registration.start_registration(_user(), joint=True)
    registration.invite_second_applicant(application, SECOND, "en")
    body = db.session.scalar(select(OutboxMessage.body).where(OutboxMessage.template == "application-joint-invitation"))
    token = body.split("/join/")[1].split()[0]
    assert registration.find_invitation("wrong") is None
    with pytest.raises(rules.NotAllowed):
        registration.join_application(_user(), token)  # the first applicant cannot be the second too
    registration.join_application(_user(SECOND), token)
    with pytest.raises(rules.NotAllowed):
        registration.join_application(_user(SECOND), token)
    with pytest.raises(rules.NotAllowed):
        registration.invite_second_applicant(application, "someone@else.example", "en")
    registration.set_joint(application, False)
    assert [a.position for a in application.applicants] == [1]
    with pytest.raises(rules.IllegalMove):
        registration.invite_second_applicant(application, SECOND, "en")


def test_previous_adopters_take_the_fast_track_straight_to_stage_two(ctx):
    application = registration.start_registration(_user(), joint=False)
    answers = household_answers("solihull")
    answers["previous"] = {**answers["previous"], "adopted_before": "yes"}
    for section, values in answers.items():
        registration.save_household_section(application, section, values)
    for section, values in applicant_answers("Ali Khan").items():
        registration.save_applicant_section(application.applicants[0], section, values)
    registration.sign_registration(application.applicants[0], "Ali Khan", "d")
    assert application.fast_track
    rules.accept_registration(application, _staff(DEMO_STAFF), None)
    assert application.status == S.STAGE_TWO and application.stage_one_started_at is None
    assert application.checks == []
    assert [c.name for c in clocks.clocks_of(application, date.today())] == ["registration_decision", "stage_two"]


# ---------------------------------------------------------------------------------------------------
# Decisions and moves


def test_declining_records_the_reasons_and_tells_the_applicant(ctx):
    application = _submitted()
    rules.decline_registration(application, "Reasons the applicant will read.", None)
    assert application.status == S.DECLINED and application.decline_reasons
    assert "application-update" in _templates()
    with pytest.raises(rules.IllegalMove):
        rules.accept_registration(application, _staff(DEMO_STAFF), None)
    with pytest.raises(rules.IllegalMove):
        rules.withdraw(application, application.applicants[0], "")


def test_a_stale_version_is_refused(ctx):
    application = _submitted()
    with pytest.raises(rules.StaleEdit):
        rules.accept_registration(application, _staff(DEMO_STAFF), application.version + 1)


def test_stage_one_checks_need_consent_and_references_need_a_relative(ctx):
    application = _submitted()
    rules.accept_registration(application, _staff(DEMO_STAFF), None)
    assert application.status == S.STAGE_ONE
    assert sorted(c.kind for c in application.checks) == sorted(
        [CheckKind.DBS, CheckKind.LOCAL_AUTHORITY, CheckKind.MEDICAL]
    )
    applicant = application.applicants[0]
    with pytest.raises(rules.NotAllowed) as refused:
        assessment.record_check(application.checks[0], CheckStatus.REQUESTED, "", None)
    assert refused.value.reason == "no_consent"
    assessment.give_consent(applicant, "consent")
    assessment.record_check(application.checks[0], CheckStatus.REQUESTED, "", None)
    assert application.checks[0].requested_at is not None
    with pytest.raises(rules.IllegalMove):
        assessment.record_check(application.checks[0], CheckStatus.NOT_REQUESTED, "", None)
    with pytest.raises(rules.NotAllowed):
        assessment.save_referees(applicant, _referees()[:2])
    with pytest.raises(rules.NotAllowed):
        assessment.save_referees(applicant, [{"name": n, "relative": "no"} for n in "ABC"])
    assessment.save_referees(applicant, _referees())
    assessment.save_referees(applicant, _referees())  # changed before anyone was asked: replaced
    references = [c for c in application.checks if c.kind == CheckKind.REFERENCE]
    assert len(references) == 3
    assessment.record_check(references[0], CheckStatus.CONCERN, "staff only", None)
    assert references[0].received_at is not None
    with pytest.raises(rules.NotAllowed):
        assessment.save_referees(applicant, _referees())
    assessment.save_previous_partners(applicant, [{"name": "P"}])
    assessment.save_employer(applicant, None)
    assert applicant.stage_one_answers == {"previous_partners_done": True, "employer_done": True}


def test_the_stage_one_decision_is_signed_off_by_another_person_who_is_a_manager(ctx):
    application = _submitted()
    worker, manager = _staff(DEMO_STAFF), _staff(DEMO_MANAGER)
    rules.accept_registration(application, worker, None)
    with pytest.raises(rules.NotAllowed):
        assessment.sign_off_stage_one(application, manager, True, None)  # nothing recommended yet
    assessment.set_stage_one_plan(application, "plan", None)
    assessment.recommend_stage_one(application, manager, False, "Reasons.", None)
    with pytest.raises(rules.NotAllowed) as own:
        assessment.sign_off_stage_one(application, manager, True, None)
    assert own.value.reason == "own_recommendation"
    assessment.recommend_stage_one(application, worker, False, "Reasons.", None)
    with pytest.raises(rules.NotAllowed) as not_manager:
        assessment.sign_off_stage_one(application, worker, True, None)
    assert not_manager.value.reason == "not_a_manager"
    assessment.sign_off_stage_one(application, manager, False, None)  # sent back
    assert application.status == S.STAGE_ONE and application.stage_one_recommendation == ""
    assessment.recommend_stage_one(application, worker, False, "Reasons.", None)
    assessment.sign_off_stage_one(application, manager, True, None)
    assert application.status == S.STAGE_ONE_ENDED and application.stage_one_decided_at is not None


def test_a_break_is_at_most_six_months(ctx):
    application = _submitted()
    _through_stage_one(application)
    today = date.today()
    latest = clocks.latest_break_end(application)
    assert latest == add_months(today, 6) or latest == add_months(today - timedelta(days=1), 6)
    with pytest.raises(rules.NotAllowed):
        assessment.take_break(application, latest + timedelta(days=1), today)
    with pytest.raises(rules.NotAllowed):
        assessment.take_break(application, today, today)
    assessment.take_break(application, latest, today)
    assert application.status == S.ON_BREAK
    with pytest.raises(rules.IllegalMove):
        assessment.take_break(application, latest, today)


def test_break_reminders_go_once_within_two_weeks_of_the_end(ctx):
    application = _submitted()
    _through_stage_one(application)
    today = date.today()
    assessment.take_break(application, today + timedelta(days=30), today)
    assert assessment.send_break_reminders(today) == 0
    assert assessment.send_break_reminders(today + timedelta(days=16)) == 1
    assert assessment.send_break_reminders(today + timedelta(days=17)) == 0
    assert "application-break-ending" in _templates()


def test_stage_two_panel_and_decision(ctx):
    application = _submitted()
    applicant = _through_stage_one(application)
    manager, worker = _staff(DEMO_MANAGER), _staff(DEMO_STAFF)
    today = date.today()
    with pytest.raises(rules.IllegalMove):
        assessment.book_visit(application, datetime.now(UTC), "visit", None)
    assessment.continue_to_stage_two(application)
    visit = assessment.book_visit(application, datetime.now(UTC) + timedelta(days=3), "visit", None)
    assessment.update_visit(visit, done=True, cancelled=False, seen_version=None)
    assert visit.done
    with pytest.raises(rules.NotAllowed):
        assessment.book_panel(application, today, today, None)  # no report yet
    with pytest.raises(rules.IllegalMove):
        assessment.comment_on_par(application, applicant, "x", today)
    assessment.share_par(application, "The report.", None)
    due = clocks.par_comments_due(application)
    with pytest.raises(rules.NotAllowed) as open_:
        assessment.book_panel(application, today, today, None)
    assert open_.value.reason == "comments_open"
    with pytest.raises(rules.NotAllowed):
        assessment.comment_on_par(application, applicant, "late", due + timedelta(days=1))
    assessment.comment_on_par(application, applicant, "Our comments.", today)
    with pytest.raises(rules.NotAllowed):
        assessment.book_panel(application, today - timedelta(days=1), today, None)
    with pytest.raises(rules.NotAllowed):
        assessment.record_decision(application, manager, True, "", None)
    assessment.book_panel(application, today + timedelta(days=10), today, None)
    assert application.status == S.AT_PANEL
    with pytest.raises(rules.IllegalMove):
        assessment.share_par(application, "again", None)
    assessment.record_panel_recommendation(application, True, None)
    with pytest.raises(rules.NotAllowed):
        assessment.record_decision(application, worker, True, "", None)
    assessment.record_decision(application, manager, True, "Approved.", None)
    assert application.status == S.APPROVED and application.approved_on is not None
    assert clocks.current_clock(application, today) is None
    with pytest.raises(rules.IllegalMove):
        assessment.record_panel_recommendation(application, True, None)


def test_panel_may_follow_the_comment_period_without_comments(ctx):
    application = _submitted()
    _through_stage_one(application)
    assessment.continue_to_stage_two(application)
    assessment.share_par(application, "The report.", None)
    later = clocks.par_comments_due(application) + timedelta(days=1)
    assessment.book_panel(application, later, later, None)
    assessment.record_panel_recommendation(application, False, None)
    assessment.record_decision(application, _staff(DEMO_MANAGER), False, "Reasons.", None)
    assert application.status == S.NOT_APPROVED and application.approved_on is None
    par = [c for c in clocks.clocks_of(application, later) if c.name == "par_comments"][0]
    assert par.timeliness == Timeliness.OVERDUE


def test_training_bookings(ctx):
    application = _submitted()
    course = assessment.add_course("Preparation", datetime.now(UTC) + timedelta(days=5), "Hall", 1)
    with pytest.raises(rules.IllegalMove):
        assessment.book_training(application, course)
    rules.accept_registration(application, _staff(DEMO_STAFF), None)
    assert course in assessment.open_courses(date.today())
    booking = assessment.book_training(application, course)
    assert assessment.book_training(application, course) is booking
    assert assessment.places_left(course) == 0
    db.session.flush()
    other = build_submitted(_user(SECOND), "coventry")
    rules.accept_registration(other, _staff(DEMO_STAFF), None)
    with pytest.raises(rules.NotAllowed):
        assessment.book_training(other, course)
    assessment.record_attendance(booking, True, None)
    with pytest.raises(rules.NotAllowed):
        assessment.cancel_booking(application, booking)
    assessment.cancel_course(course)
    assert course not in assessment.open_courses(date.today())


def test_withdrawing_and_messages(ctx):
    application = _submitted()
    applicant = application.applicants[0]
    rules.send_staff_message(application, _staff(DEMO_STAFF), "Hello")
    assert "application-new-message" in _templates()
    rules.send_applicant_message(application, applicant, "Thank you")
    rules.withdraw(application, applicant, "Changed our minds")
    assert application.status == S.WITHDRAWN
    with pytest.raises(rules.IllegalMove):
        rules.send_applicant_message(application, applicant, "more")
    assert clocks.clocks_of(application, date.today())[0].finished is not None
    # A new registration is allowed once the last one has ended.
    assert registration.start_registration(_user(), joint=False).id != application.id


def test_every_move_is_in_the_table_and_final_states_have_none():
    for move, table in rules.MOVES.items():
        for source, target in table.items():
            assert source not in rules.FINAL, (move, source)
            assert isinstance(target, S)
    assert set(rules.STAGE_OF) == set(S)


def test_staff_queue_and_scope(ctx):
    from portal.agency.rules import find_authority_by_name

    application = _submitted()
    registration.start_registration(_user(SECOND), joint=False)  # a draft: never in the queue
    rows, total = rules.queue(None, None, 1, 50)
    assert total == 1 and rows == [application]
    coventry = find_authority_by_name("Coventry").id
    assert rules.queue(None, coventry, 1, 50)[1] == 0
    assert rules.find_for_staff(application.public_id, coventry) is None
    assert rules.find_for_staff(application.public_id, None) is application
    assert rules.queue("declined", None, 1, 50)[1] == 0
    assert rules.queue("all", None, 1, 50)[1] == 1
    assert rules.applicant_names(application) == ["Sam Taylor"]
    assert _staff(DEMO_STAFF) in rules.assessment_workers(None)


def test_documents_are_checked_by_content(ctx):
    from portal.adopting.application_models import DocumentKind
    from portal.core.uploads import UploadRejected

    application = _submitted()
    applicant = application.applicants[0]
    with pytest.raises(rules.IllegalMove):
        assessment.add_document(applicant, DocumentKind.IDENTITY, b"%PDF-1.4\n%%EOF", "id.pdf")
    rules.accept_registration(application, _staff(DEMO_STAFF), None)
    document = assessment.add_document(applicant, DocumentKind.IDENTITY, b"%PDF-1.4\nbody\n%%EOF\n", "My passport.PDF")
    assert document.filename == "My-passport.pdf" and document.content_type == "application/pdf"
    with pytest.raises(UploadRejected):
        assessment.add_document(applicant, DocumentKind.IDENTITY, b"not a pdf", "id.pdf")
    assert isinstance(db.session.get(Application, application.id), Application)
