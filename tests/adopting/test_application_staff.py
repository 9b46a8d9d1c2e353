"""The back office for applications: the queue, the case page, every staff move from the registration
decision to approval, clashes and refusals, scoping, the timeline and hostile text."""

from __future__ import annotations

import io
from datetime import UTC, datetime, time, timedelta
from itertools import count

import pytest
from PIL import Image
from sqlalchemy import select

from portal.accounts.models import PublicUser, StaffRole, StaffUser
from portal.accounts.rules import create_staff
from portal.adopting import application_rules as rules
from portal.adopting import assessment_rules as assessment
from portal.adopting import registration_rules as registration
from portal.adopting.application_models import (
    Application,
    ApplicationMessage,
    ApplicationStatus as S,
    CheckKind,
    CheckStatus,
    DocumentKind,
)
from portal.adopting.demo import applicant_answers, household_answers
from portal.adopting.models import AdoptionType, Enquiry, EnquirySource
from portal.agency.models import PartnerAuthority
from portal.core.audit import AuditEvent
from portal.core.db import db, new_reference
from portal.core.outbox import OutboxMessage
from portal.core.timescales import LONDON, add_working_days, today_london
from portal.demo import DEMO_MANAGER, DEMO_PASSWORD, DEMO_STAFF, DEMO_TOTP_SECRET
from tests.accounts.public_support import make_account
from tests.conftest import sign_in_staff

BASE = "/staff/applications"
STALE = "Someone else changed this application. Check the latest details and try again."
HOSTILE = "<script>alert(1)</script>"
_people = count()


def make_application(
    app, authority: str = "warwickshire", fast_track: bool = False, name: str = "Ali Khan", needs: list[str] | None = None
) -> str:
    """A registration sent through the rules: a new account, every section answered, signed."""
    email = f"applicant{next(_people)}@people.example"
    make_account(app, email=email)
    with app.test_request_context():
        user = db.session.scalar(select(PublicUser).where(PublicUser.email == email))
        user.communication_needs = needs or []
        application = registration.start_registration(user, joint=False)
        for section, answers in household_answers(authority).items():
            if section == "previous" and fast_track:
                answers = {**answers, "adopted_before": "yes"}
            registration.save_household_section(application, section, answers)
        applicant = application.applicants[0]
        for section, answers in applicant_answers(name).items():
            registration.save_applicant_section(applicant, section, answers)
        registration.sign_registration(applicant, name, "Declaration words")
        db.session.commit()
        return application.public_id


def make_joint_application(app) -> str:
    """Two applicants, each with their own account, answering and signing their own parts."""
    first, second = f"first{next(_people)}@people.example", f"second{next(_people)}@people.example"
    make_account(app, email=first)
    make_account(app, email=second)
    with app.test_request_context():
        users = [db.session.scalar(select(PublicUser).where(PublicUser.email == e)) for e in (first, second)]
        users[1].communication_needs = ["easy_read"]
        application = registration.start_registration(users[0], joint=True)
        for section, answers in household_answers("warwickshire").items():
            registration.save_household_section(application, section, answers)
        registration.invite_second_applicant(application, second, "en")
        invitation = db.session.scalar(select(OutboxMessage).where(OutboxMessage.recipient == second))
        registration.join_application(users[1], invitation.body.split("/join/")[1].split()[0])
        for applicant, name in zip(application.applicants, ("Ali Khan", "Jo Khan"), strict=True):
            for section, answers in applicant_answers(name).items():
                registration.save_applicant_section(applicant, section, answers)
        for applicant, name in zip(application.applicants, ("Ali Khan", "Jo Khan"), strict=True):
            registration.sign_registration(applicant, name, "Declaration words")
        db.session.commit()
        return application.public_id


def run(app, public_id: str, step) -> None:
    """Do something to the application through the rules, as the applicants or the system would."""
    with app.test_request_context():
        application = db.session.scalar(select(Application).where(Application.public_id == public_id))
        step(application)
        db.session.commit()


def load(app, public_id: str) -> Application:
    with app.app_context():
        application = db.session.scalar(select(Application).where(Application.public_id == public_id))
        for relation in (application.checks, application.visits, application.bookings, application.messages):
            list(relation)
        for booking in application.bookings:
            booking.course  # noqa: B018  (loaded before the session closes)
        db.session.expunge_all()
        return application


def staff(app, email: str) -> StaffUser:
    with app.app_context():
        person = db.session.scalar(select(StaffUser).where(StaffUser.email == email))
        db.session.expunge(person)
        return person


def actions(app, public_id: str) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent.action).where(AuditEvent.object_id == public_id)))


def post(app, client, public_id: str, path: str, data: dict, follow: bool = True, version: int | None = None):
    url = f"{BASE}/{public_id}"
    values = {"version": load(app, public_id).version if version is None else version, **data}
    return client.submit(f"{url}/{path}", values, follow=follow, page=url)


def accept(app, client, public_id: str, email: str = DEMO_STAFF):
    return post(app, client, public_id, "accept", {"accept_worker": staff(app, email).public_id})


def through_stage_one(app, public_id: str) -> None:
    def step(application: Application) -> None:
        worker = db.session.scalar(select(StaffUser).where(StaffUser.email == DEMO_STAFF))
        manager = db.session.scalar(select(StaffUser).where(StaffUser.email == DEMO_MANAGER))
        rules.accept_registration(application, worker, None)
        assessment.give_consent(application.applicants[0], "consent words")
        for check in application.checks:
            assessment.record_check(check, CheckStatus.SATISFACTORY, "", None)
        assessment.recommend_stage_one(application, worker, True, "All well.", None)
        assessment.sign_off_stage_one(application, manager, True, None)
        assessment.continue_to_stage_two(application)

    run(app, public_id, step)


def in_a_week() -> dict[str, str]:
    day = today_london() + timedelta(days=7)
    return {"visit_date": [str(day.day), str(day.month), str(day.year)]}


def coventry_worker(app) -> object:
    email = "coventry.assessor@ace.example"
    with app.app_context():
        coventry = db.session.scalar(select(PartnerAuthority).where(PartnerAuthority.slug == "coventry"))
        create_staff(
            email, "Coventry assessor", DEMO_PASSWORD, totp_secret=DEMO_TOTP_SECRET,
            roles=[StaffRole.ASSESSMENT_WORKER], authority_id=coventry.id,
        )
        db.session.commit()
    return sign_in_staff(app, email)


# ---------------------------------------------------------------------------------------------------
# The queue


def test_the_queue_shows_a_sent_registration_on_its_five_working_day_clock(app, staff_client):
    public_id = make_application(app, name="Queue Person")
    make_account(app, email="drafting@people.example")
    with app.test_request_context():
        user = db.session.scalar(select(PublicUser).where(PublicUser.email == "drafting@people.example"))
        registration.start_registration(user, joint=False)
        db.session.commit()
    text = staff_client.get(f"{BASE}/").get_data(as_text=True)
    application = load(app, public_id)
    assert "1 application<" in text  # the draft is not the agency's yet
    assert application.reference in text and "Queue Person" in text and "Warwickshire" in text
    assert "Decision on the registration (5 working days)" in text and "On time" in text
    due = add_working_days(today_london(), 5)
    assert f"due {due.day} {due.strftime('%B')} {due.year}" in text
    assert "Not allocated yet" in text
    assert "0 applications" in staff_client.get(f"{BASE}/?status=declined").get_data(as_text=True)
    assert "1 application<" in staff_client.get(f"{BASE}/?status=submitted").get_data(as_text=True)
    assert "1 application<" in staff_client.get(f"{BASE}/?status=all").get_data(as_text=True)
    # Nonsense filters fall back to the defaults rather than failing.
    assert staff_client.get(f"{BASE}/?status=zzz&page=abc").status_code == 200
    assert "application_queue_viewed" in actions(app, "all")


def test_the_queue_pages_and_marks_the_fast_track(app, staff_client, monkeypatch):
    from portal.adopting import application_staff

    monkeypatch.setattr(application_staff, "PER_PAGE", 1)
    make_application(app)
    make_application(app, fast_track=True)
    first = staff_client.get(f"{BASE}/").get_data(as_text=True)
    assert "Page 1 of 2" in first and "Next page" in first
    second = staff_client.get(f"{BASE}/?page=2").get_data(as_text=True)
    assert "Previous page" in second and "Fast track" in second


# ---------------------------------------------------------------------------------------------------
# The case page


def test_the_case_page_shows_the_registration_needs_enquiry_and_signature(app, staff_client):
    with app.app_context():
        db.session.add(
            Enquiry(
                reference=new_reference("ENQ"), submission_key="staff-applications-1", full_name="Earlier",
                email="applicant-enquiry@people.example", adoption_type=AdoptionType.AGENCY, wants=[],
                source=EnquirySource.EVENT, preferred_language="en", communication_needs=[],
            )
        )
        db.session.commit()
    email = "applicant-enquiry@people.example"
    make_account(app, email=email)
    with app.test_request_context():
        user = db.session.scalar(select(PublicUser).where(PublicUser.email == email))
        user.communication_needs = ["bsl", "interpreter"]
        user.interpreter_language = "Punjabi"
        user.preferred_language = "cy"
        from portal.adopting.demo import build_submitted

        public_id = build_submitted(user, "warwickshire").public_id
        db.session.commit()
    response = staff_client.get(f"{BASE}/{public_id}")
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Communication needs of Applicant 1: British Sign Language; An interpreter: Punjabi" in text
    assert "Write to Applicant 1 in:" in text
    assert "heard about us from: An event or community group" in text
    assert "1 Demo Street" in text and "Aunt to three nephews" in text  # the registration's answers
    assert "roi-2026-1" in text  # the declaration version signed
    assert "Decision on the registration (5 working days)" in text
    assert "Accept the registration" in text and "Do not accept" in text
    assert "Stage One plan" not in text  # only the moves this state allows
    assert "application_viewed" in actions(app, public_id)


def test_a_joint_application_shows_both_applicants(app, staff_client):
    public_id = make_joint_application(app)
    queue = staff_client.get(f"{BASE}/").get_data(as_text=True)
    assert "Ali Khan<br>Jo Khan" in queue
    text = accept(app, staff_client, public_id).get_data(as_text=True)
    assert "Communication needs of Applicant 2: Easy read" in text
    assert "Applicant 1: Ali Khan<br>Applicant 2: Jo Khan" in text
    assert "Checks for Applicant 2" in text
    assert "Registration signed (by Applicant 2)" in text and "Second applicant joined (by Applicant)" in text
    assert len(load(app, public_id).checks) == 6


def test_an_unknown_application_or_object_is_not_found(app, staff_client):
    public_id = make_application(app)
    assert staff_client.get(f"{BASE}/nothing-here").status_code == 404
    accept(app, staff_client, public_id)
    assert post(app, staff_client, public_id, "checks/nothing", {"check_status": "requested"}).status_code == 404
    assert post(app, staff_client, public_id, "training/nothing", {"attended": "yes"}).status_code == 404
    assert post(app, staff_client, public_id, "visits/nothing", {"visit_outcome": "done"}).status_code == 404
    assert staff_client.get(f"{BASE}/{public_id}/documents/nothing").status_code == 404


# ---------------------------------------------------------------------------------------------------
# The registration decision


def test_accepting_starts_stage_one_with_its_checks(app, staff_client):
    public_id = make_application(app)
    page = staff_client.get(f"{BASE}/{public_id}").get_data(as_text=True)
    me = staff(app, DEMO_STAFF).public_id
    assert f'value="{me}" checked' in page  # the person deciding is offered first
    response = accept(app, staff_client, public_id)
    text = response.get_data(as_text=True)
    assert "Registration accepted." in text
    application = load(app, public_id)
    assert application.status == S.STAGE_ONE and application.worker_id == staff(app, DEMO_STAFF).id
    assert sorted(c.kind for c in application.checks) == sorted([CheckKind.DBS, CheckKind.LOCAL_AUTHORITY, CheckKind.MEDICAL])
    assert "Enhanced DBS check" in text and "Stage One plan" in text
    assert "Accept the registration" not in text
    with app.app_context():
        assert db.session.scalar(select(OutboxMessage.template).order_by(OutboxMessage.id.desc())) == "application-update"


def test_accepting_needs_a_worker_from_the_list(app, staff_client):
    public_id = make_application(app)
    response = post(app, staff_client, public_id, "accept", {"accept_worker": "someone-else"}, follow=False)
    assert response.status_code == 400
    assert "Select the assessing social worker" in response.get_data(as_text=True)
    assert load(app, public_id).status == S.SUBMITTED


def test_declining_needs_reasons_and_keeps_them(app, staff_client):
    public_id = make_application(app)
    response = post(app, staff_client, public_id, "decline", {"decline_reasons": "  "}, follow=False)
    assert response.status_code == 400
    assert "Enter the reasons for not accepting the registration" in response.get_data(as_text=True)
    response = post(app, staff_client, public_id, "decline", {"decline_reasons": "x" * 2001}, follow=False)
    assert response.status_code == 400 and "x" * 2001 in response.get_data(as_text=True)  # kept as typed
    text = post(app, staff_client, public_id, "decline", {"decline_reasons": "We cannot go on now."}).get_data(as_text=True)
    assert "Registration not accepted. The applicants can see the reasons." in text
    application = load(app, public_id)
    assert application.status == S.DECLINED and application.decline_reasons == "We cannot go on now."
    assert "We cannot go on now." in text and "Change worker" not in text


def test_fast_track_acceptance_goes_straight_to_stage_two(app, staff_client):
    public_id = make_application(app, fast_track=True)
    assert "accepting it starts Stage Two" in staff_client.get(f"{BASE}/{public_id}").get_data(as_text=True)
    text = accept(app, staff_client, public_id).get_data(as_text=True)
    application = load(app, public_id)
    assert application.status == S.STAGE_TWO and application.stage_one_started_at is None
    assert not application.checks
    assert "Book a home visit" in text and "Consent to the checks" not in text


def test_the_worker_can_be_changed_while_the_application_is_open(app, staff_client):
    public_id = make_application(app)
    accept(app, staff_client, public_id)
    manager = staff(app, DEMO_MANAGER)
    text = post(app, staff_client, public_id, "worker", {"worker": manager.public_id}).get_data(as_text=True)
    assert "Worker changed." in text
    assert load(app, public_id).worker_id == manager.id
    assert "worker_allocated" in actions(app, public_id)


def test_a_stale_version_is_refused_and_nothing_changes(app, staff_client):
    public_id = make_application(app)
    old = load(app, public_id).version
    run(app, public_id, lambda a: rules.allocate_worker(a, db.session.scalar(select(StaffUser)), None))
    text = post(app, staff_client, public_id, "decline", {"decline_reasons": "No."}, version=old).get_data(as_text=True)
    assert STALE in text
    assert load(app, public_id).status == S.SUBMITTED
    # A missing or garbled version is a clash too, never a move made without the check.
    assert STALE in post(app, staff_client, public_id, "decline", {"decline_reasons": "No."}, version="abc").get_data(as_text=True)
    assert load(app, public_id).status == S.SUBMITTED


def test_a_clash_found_only_when_writing_is_told_as_a_clash(app, staff_client, monkeypatch):
    from sqlalchemy.orm.exc import StaleDataError

    public_id = make_application(app)

    def clash(*args, **kwargs):
        raise StaleDataError("someone else committed first")

    monkeypatch.setattr(rules, "decline_registration", clash)
    assert STALE in post(app, staff_client, public_id, "decline", {"decline_reasons": "No."}).get_data(as_text=True)
    assert load(app, public_id).status == S.SUBMITTED


def test_an_illegal_move_gives_a_message_not_an_error(app, staff_client):
    public_id = make_application(app)
    accept(app, staff_client, public_id)
    day = today_london() + timedelta(days=30)
    response = post(app, staff_client, public_id, "panel", {"panel_date": [str(day.day), str(day.month), str(day.year)]})
    assert response.status_code == 200
    assert "Share the Prospective Adopter&#39;s Report before you book the panel." in response.get_data(as_text=True)
    text = post(app, staff_client, public_id, "decline", {"decline_reasons": "Too late."}).get_data(as_text=True)
    assert "Only a registration waiting for a decision can be declined." in text
    text = post(app, staff_client, public_id, "panel-recommendation", {"panel_recommendation": "approve"}).get_data(as_text=True)
    assert "once a panel is booked" in text
    text = post(app, staff_client, public_id, "report", {"par_text": "Report."}).get_data(as_text=True)
    assert "The report can only be shared in Stage Two" in text
    assert load(app, public_id).status == S.STAGE_ONE


# ---------------------------------------------------------------------------------------------------
# Stage One


def test_stage_one_from_consent_to_a_signed_off_decision(app, staff_client, manager_client):
    public_id = make_application(app)
    accept(app, staff_client, public_id)
    check = load(app, public_id).checks[0]
    # The statutory checks wait for the applicant's consent.
    text = post(app, staff_client, public_id, f"checks/{check.public_id}", {"check_status": "requested"}).get_data(as_text=True)
    assert "has not given their consent" in text
    run(app, public_id, lambda a: assessment.give_consent(a.applicants[0], "consent words"))
    assert "Given " in staff_client.get(f"{BASE}/{public_id}").get_data(as_text=True)

    text = post(app, staff_client, public_id, "stage-one-plan", {"stage_one_plan": "Checks first.\nThen training."}).get_data(as_text=True)
    assert "Stage One plan saved." in text and "Checks first.<br>Then training." in text
    for check in load(app, public_id).checks:
        data = {"check_status": "satisfactory", "check_note": "Clear."}
        assert "Check recorded." in post(app, staff_client, public_id, f"checks/{check.public_id}", data).get_data(as_text=True)
    assert {c.status for c in load(app, public_id).checks} == {CheckStatus.SATISFACTORY}

    text = post(
        app, staff_client, public_id, "stage-one-recommendation", {"recommendation": "progress", "recommendation_reasons": "All well."}
    ).get_data(as_text=True)
    assert "Recommendation sent to a team manager for sign-off." in text
    assert "A team manager signs this recommendation off." in text
    text = post(app, manager_client, public_id, "stage-one-sign-off", {"sign_off": "agree"}).get_data(as_text=True)
    assert "Stage One decision signed off." in text
    application = load(app, public_id)
    assert application.status == S.STAGE_ONE_DONE
    assert application.stage_one_signed_off_by_id == staff(app, DEMO_MANAGER).id
    assert "Stage One complete" in text


def test_a_check_form_error_is_shown_beside_that_check(app, staff_client):
    public_id = make_application(app)
    accept(app, staff_client, public_id)
    check = load(app, public_id).checks[1]
    response = post(app, staff_client, public_id, f"checks/{check.public_id}", {"check_status": "lost", "check_note": "Kept"}, follow=False)
    text = response.get_data(as_text=True)
    assert response.status_code == 400
    assert f'href="#check-status-{check.public_id}"' in text and "Select where this check is" in text
    assert "Kept</textarea>" in text


def test_the_recommender_cannot_sign_off_their_own_recommendation(app, staff_client, manager_client):
    public_id = make_application(app)
    accept(app, staff_client, public_id)
    data = {"recommendation": "end", "recommendation_reasons": "Not now."}
    post(app, manager_client, public_id, "stage-one-recommendation", data)
    page = manager_client.get(f"{BASE}/{public_id}").get_data(as_text=True)
    assert "You made this recommendation, so another team manager must sign it off." in page
    text = post(app, manager_client, public_id, "stage-one-sign-off", {"sign_off": "agree"}).get_data(as_text=True)
    assert "You made this recommendation" in text
    assert load(app, public_id).status == S.STAGE_ONE
    # Someone who is not a team manager cannot sign off at all.
    assert post(app, staff_client, public_id, "stage-one-sign-off", {"sign_off": "agree"}, follow=False).status_code == 403


def test_a_manager_can_send_a_recommendation_back(app, staff_client, manager_client):
    public_id = make_application(app)
    accept(app, staff_client, public_id)
    post(app, staff_client, public_id, "stage-one-recommendation", {"recommendation": "progress", "recommendation_reasons": "Yes."})
    response = post(app, manager_client, public_id, "stage-one-sign-off", {"sign_off": "send_back"}, follow=False)
    assert response.status_code == 302
    assert "Recommendation sent back to the worker." in manager_client.get(response.headers["Location"]).get_data(as_text=True)
    application = load(app, public_id)
    assert application.status == S.STAGE_ONE and not application.stage_one_recommendation
    response = post(app, manager_client, public_id, "stage-one-sign-off", {}, follow=False)
    assert response.status_code == 400  # nothing chosen


def test_training_attendance_and_documents(app, staff_client):
    public_id = make_application(app)
    accept(app, staff_client, public_id)
    picture = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(picture, "PNG")

    def step(application: Application) -> None:
        course = assessment.add_course("Preparation training", datetime.now(UTC) + timedelta(days=10), "Shire Hall", 12)
        assessment.book_training(application, course)
        assessment.add_document(application.applicants[0], DocumentKind.IDENTITY, picture.getvalue(), "passport.png")

    run(app, public_id, step)
    application = load(app, public_id)
    course_id = application.bookings[0].course.public_id
    text = staff_client.get(f"{BASE}/{public_id}").get_data(as_text=True)
    assert "Preparation training" in text and "Not recorded" in text and "Proof of identity" in text
    text = post(app, staff_client, public_id, f"training/{course_id}", {"attended": "yes"}).get_data(as_text=True)
    assert "Attendance recorded." in text
    assert load(app, public_id).bookings[0].attended is True
    response = post(app, staff_client, public_id, f"training/{course_id}", {"attended": "maybe"}, follow=False)
    assert response.status_code == 400 and "Choose one of the buttons on the page." in response.get_data(as_text=True)

    with app.app_context():
        document_id = db.session.scalar(select(Application).where(Application.public_id == public_id)).documents[0].public_id
    response = staff_client.get(f"{BASE}/{public_id}/documents/{document_id}")
    assert response.status_code == 200 and response.mimetype == "image/png"
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.data.startswith(b"\x89PNG")
    assert "no-store" in response.headers["Cache-Control"]
    assert "document_downloaded" in actions(app, public_id)


# ---------------------------------------------------------------------------------------------------
# Stage Two, panel and decision


def test_stage_two_from_visits_to_approval(app, staff_client, manager_client):
    public_id = make_application(app)
    through_stage_one(app, public_id)

    text = post(app, staff_client, public_id, "visits", {**in_a_week(), "visit_time": "14:30", "visit_purpose": "Family history"}).get_data(as_text=True)
    assert "Home visit booked. The applicants can see it." in text and "Family history" in text
    visit = load(app, public_id).visits[0]
    expected = datetime.combine(today_london() + timedelta(days=7), time(14, 30), LONDON).astimezone(UTC)
    assert visit.at == expected
    text = post(app, staff_client, public_id, f"visits/{visit.public_id}", {"visit_outcome": "done"}).get_data(as_text=True)
    assert "Home visit updated." in text and load(app, public_id).visits[0].done
    response = post(app, staff_client, public_id, f"visits/{visit.public_id}", {"visit_outcome": "gone"}, follow=False)
    assert response.status_code == 400

    text = post(app, staff_client, public_id, "report", {"par_text": f"The report.\n{HOSTILE}"}).get_data(as_text=True)
    assert "Report shared. The applicants have 10 working days to comment." in text
    assert HOSTILE not in text and "&lt;script&gt;alert(1)&lt;/script&gt;" in text

    assert "The panel can be booked when the applicants have commented on the report" in text
    assert "Book panel" not in text
    day = today_london()
    panel = {"panel_date": [str(day.day), str(day.month), str(day.year)]}
    text = post(app, staff_client, public_id, "panel", panel).get_data(as_text=True)
    assert "The applicants still have time to comment on their report." in text
    run(app, public_id, lambda a: assessment.comment_on_par(a, a.applicants[0], "We agree.", today_london()))
    assert "Book panel" in staff_client.get(f"{BASE}/{public_id}").get_data(as_text=True)
    text = post(app, staff_client, public_id, "panel", panel).get_data(as_text=True)
    assert "Panel booked. The applicants can see the date." in text and "We agree." in text
    assert load(app, public_id).status == S.AT_PANEL

    text = post(app, staff_client, public_id, "panel-recommendation", {"panel_recommendation": "approve"}).get_data(as_text=True)
    assert "Panel recommendation recorded." in text
    assert "A team manager, as the agency decision maker, records the decision." in text
    # Only a team manager records the decision.
    data = {"decision": "approve", "decision_reasons": "The panel recommended approval."}
    assert post(app, staff_client, public_id, "decision", data, follow=False).status_code == 403
    response = post(app, manager_client, public_id, "decision", {"decision": "approve"}, follow=False)
    assert response.status_code == 400 and "Enter the reasons for the decision" in response.get_data(as_text=True)
    text = post(app, manager_client, public_id, "decision", data).get_data(as_text=True)
    assert "Decision recorded. The applicants have been told." in text
    application = load(app, public_id)
    assert application.status == S.APPROVED and application.approved_on == today_london()
    assert "Approval date" in text


def test_a_visit_can_be_cancelled_and_bad_visit_answers_are_shown_back(app, staff_client):
    public_id = make_application(app)
    through_stage_one(app, public_id)
    response = post(app, staff_client, public_id, "visits", {"visit_date": ["31", "2", "2030"], "visit_time": "25:00", "visit_purpose": ""}, follow=False)
    text = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Date of the visit must be a real date" in text and "Enter the time like 14:30" in text
    assert "Enter what the visit is for" in text and 'value="25:00"' in text
    assert 'href="#visit_date-day"' in text
    response = post(app, staff_client, public_id, "visits", {"visit_date": ["", "", ""], "visit_time": "9.15", "visit_purpose": "x"}, follow=False)
    assert response.status_code == 400 and "Enter the date of the visit" in response.get_data(as_text=True)
    post(app, staff_client, public_id, "visits", {**in_a_week(), "visit_time": "9.15", "visit_purpose": "First visit"})
    visit = load(app, public_id).visits[0]
    post(app, staff_client, public_id, f"visits/{visit.public_id}", {"visit_outcome": "cancelled"})
    visit = load(app, public_id).visits[0]
    assert visit.cancelled and not visit.done


def test_panel_dates_in_the_past_and_overlong_reports_are_refused(app, staff_client):
    public_id = make_application(app)
    through_stage_one(app, public_id)
    response = post(app, staff_client, public_id, "report", {"par_text": "x" * 50001}, follow=False)
    assert response.status_code == 400 and "Report must be 50000 characters or fewer" in response.get_data(as_text=True)
    post(app, staff_client, public_id, "report", {"par_text": "Report."})
    run(app, public_id, lambda a: assessment.comment_on_par(a, a.applicants[0], "Fine.", today_london()))
    day = today_london() - timedelta(days=1)
    response = post(app, staff_client, public_id, "panel", {"panel_date": [str(day.day), str(day.month), str(day.year)]}, follow=False)
    assert response.status_code == 400 and "Panel date must be today or in the future" in response.get_data(as_text=True)


# ---------------------------------------------------------------------------------------------------
# Messages, timeline and hostile text


def test_messages_are_sent_escaped_and_the_email_says_only_that_one_is_waiting(app, staff_client):
    public_id = make_application(app)
    text = post(app, staff_client, public_id, "messages", {"message": f"Hello\n{HOSTILE}"}).get_data(as_text=True)
    assert "Message sent." in text
    assert HOSTILE not in text and "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "From Demo duty worker" in text
    with app.app_context():
        assert db.session.scalar(select(ApplicationMessage.body)) == f"Hello\n{HOSTILE}"
        email = db.session.scalar(select(OutboxMessage).order_by(OutboxMessage.id.desc()))
        assert email.template == "application-new-message"
    run(app, public_id, lambda a: rules.send_applicant_message(a, a.applicants[0], "Thank you."))
    text = staff_client.get(f"{BASE}/{public_id}").get_data(as_text=True)
    assert "From Applicant 1" in text and "Thank you." in text
    response = post(app, staff_client, public_id, "messages", {"message": "x" * 5001}, follow=False)
    assert response.status_code == 400 and "Message must be 5000 characters or fewer" in response.get_data(as_text=True)


def test_the_timeline_lists_every_event_and_who_did_it(app, staff_client):
    public_id = make_application(app)
    accept(app, staff_client, public_id)
    run(app, public_id, lambda a: assessment.give_consent(a.applicants[0], "consent words"))
    text = staff_client.get(f"{BASE}/{public_id}").get_data(as_text=True)
    timeline = text[text.index('id="timeline"'):]
    assert "Registration started (by Applicant)" in timeline
    assert "Registration signed (by Applicant 1)" in timeline
    assert "Registration accepted (by Demo duty worker)" in timeline
    assert "Consent to the checks given (by Applicant 1)" in timeline
    assert "Case viewed (by Demo duty worker)" in timeline


# ---------------------------------------------------------------------------------------------------
# Who may see what


def test_staff_without_an_application_role_are_refused(app, spoke_client, admin_client):
    public_id = make_application(app, authority="coventry")
    for client in (spoke_client, admin_client):
        assert client.get(f"{BASE}/").status_code == 403
        assert client.get(f"{BASE}/{public_id}").status_code == 403
        token = client.csrf_token("/staff/")
        response = client.post(f"{BASE}/{public_id}/decline", data={"csrf_token": token, "decline_reasons": "No", "version": 1})
        assert response.status_code == 403
    assert load(app, public_id).status == S.SUBMITTED


def test_spoke_assessment_workers_see_only_their_authority(app, demo):
    warwickshire = make_application(app, name="Warwick Person")
    coventry = make_application(app, authority="coventry", name="Coventry Person")
    client = coventry_worker(app)
    queue = client.get(f"{BASE}/").get_data(as_text=True)
    assert "Coventry Person" in queue and "Warwick Person" not in queue
    assert client.get(f"{BASE}/{warwickshire}").status_code == 404
    assert client.get(f"{BASE}/{warwickshire}/documents/any").status_code == 404
    assert client.get(f"{BASE}/{coventry}").status_code == 200
    token = client.csrf_token(f"{BASE}/{coventry}")
    response = client.post(f"{BASE}/{warwickshire}/decline", data={"csrf_token": token, "decline_reasons": "No", "version": 1})
    assert response.status_code == 404
    assert load(app, warwickshire).status == S.SUBMITTED
    # Workers offered for a Coventry case: the hub's and Coventry's own, nobody from another spoke.
    page = client.get(f"{BASE}/{coventry}").get_data(as_text=True)
    assert "Coventry assessor" in page and "Demo duty worker" in page


def test_unsigned_in_people_go_to_staff_sign_in(app, client):
    public_id = make_application(app)
    response = client.get(f"{BASE}/{public_id}")
    assert response.status_code == 302 and "/staff/sign-in" in response.headers["Location"]


@pytest.mark.parametrize("path", ["accept", "decline", "worker", "stage-one-plan", "report", "panel", "messages"])
def test_every_form_post_without_answers_is_a_400_not_an_error(app, staff_client, path):
    public_id = make_application(app)
    response = post(app, staff_client, public_id, path, {}, follow=False)
    assert response.status_code == 400


# ---------------------------------------------------------------------------------------------------
# The words on the page


def test_stored_answers_read_as_words(app):
    from portal.adopting.application_staff import answer_rows

    with app.test_request_context():
        rows = answer_rows(
            "household",
            {
                "together": True,
                "apart": False,
                "others": [{"name": "Sam", "born": "2001-02-03"}],
                "nothing": None,
                "odd": "2026-13-45",
            },
            {},
        )
    values = [r["value"]["text"] for r in rows]
    assert values == ["Yes", "No", "name: Sam, born: 3 February 2001", "Not given", "2026-13-45"]


def test_events_the_portal_does_on_its_own_are_its_own(app, staff_client):
    from portal.core import audit

    public_id = make_application(app)
    with app.test_request_context():
        audit.record("break_reminder_sent", "application", public_id)
        db.session.commit()
    assert "Reminder sent that the break is ending (by The portal)" in staff_client.get(f"{BASE}/{public_id}").get_data(as_text=True)


def test_a_visit_date_must_be_a_plausible_year(app, staff_client):
    public_id = make_application(app)
    through_stage_one(app, public_id)
    data = {"visit_date": ["1", "2", "1999"], "visit_time": "10:00", "visit_purpose": "Visit"}
    response = post(app, staff_client, public_id, "visits", data, follow=False)
    assert response.status_code == 400 and "Date of the visit must be a real date" in response.get_data(as_text=True)


def test_the_queue_and_case_render_right_to_left_in_urdu(app, staff_client):
    public_id = make_application(app)
    accept(app, staff_client, public_id)
    staff_client.get(f"{BASE}/?lang=ur")
    for url in (f"{BASE}/", f"{BASE}/{public_id}"):
        response = staff_client.get(url)
        assert response.status_code == 200
        assert '<html lang="ur" dir="rtl"' in response.get_data(as_text=True)
