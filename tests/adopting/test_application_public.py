"""The applicants' pages after the registration: "My application", the Stage One tasks, uploads,
the choice between the stages, the report, messages and withdrawing. Applications are built through
the rules, as the portal itself builds them."""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest
from flask.testing import EnvironBuilder
from PIL import Image
from sqlalchemy import select

from portal.accounts.models import PublicUser, StaffUser
from portal.adopting import application_public
from portal.adopting import application_clocks as clocks
from portal.adopting import application_rules as rules
from portal.adopting import assessment_rules as assessment
from portal.adopting import registration_rules as registration
from portal.adopting.application_models import (
    Application,
    ApplicationCheck,
    ApplicationDocument,
    CheckKind,
    CheckStatus,
)
from portal.adopting.demo import build_submitted
from portal.core.db import db, utcnow
from portal.core.timescales import today_london
from portal.demo import DEMO_MANAGER, DEMO_STAFF
from tests.accounts.public_support import make_account, sign_in

EMAIL = "ali.khan@people.example"
OTHER = "jo.other@people.example"
BASE = "/my-application"
CANARY = "CANARY-NOTE"


def _user(email: str = EMAIL) -> PublicUser:
    return db.session.scalar(select(PublicUser).where(PublicUser.email == email))


def _staff(email: str = DEMO_STAFF) -> StaffUser:
    return db.session.scalar(select(StaffUser).where(StaffUser.email == email))


@contextmanager
def changing(app, email: str = EMAIL) -> Iterator[Application]:
    """The person's application, to move on through the rules; committed at the end."""
    with app.test_request_context():
        application = rules.current_application(_user(email))
        yield application
        db.session.commit()


def _submit(app, email: str = EMAIL) -> None:
    with app.test_request_context():
        build_submitted(_user(email), "warwickshire")
        db.session.commit()


def _accept(application: Application) -> None:
    rules.accept_registration(application, _staff(), None)


def _referees() -> list[dict[str, Any]]:
    return [
        {"name": "Referee One", "relationship": "Friend", "years_known": 10, "relative": "no", "email": "one@ref.example", "phone": "", "address": "1 Road"},
        {"name": "Referee Two", "relationship": "Sister", "years_known": 30, "relative": "yes", "email": "two@ref.example", "phone": "", "address": "2 Road"},
        {"name": "Referee Three", "relationship": "Colleague", "years_known": 5, "relative": "no", "email": "", "phone": "01632 960 001", "address": "3 Road"},
    ]


def _finish_stage_one(application: Application, progress: bool = True, reasons: str = "All checks are fine.") -> None:
    applicant = application.applicants[0]
    assessment.give_consent(applicant, "consent")
    for check in application.checks:
        assessment.record_check(check, CheckStatus.SATISFACTORY, "", None)
    assessment.recommend_stage_one(application, _staff(), progress, reasons, None)
    assessment.sign_off_stage_one(application, _staff(DEMO_MANAGER), True, None)


def _to_stage_two(application: Application) -> None:
    _accept(application)
    _finish_stage_one(application)
    assessment.continue_to_stage_two(application)


@pytest.fixture
def person(app, demo):
    """A signed-in account holder whose registration has been accepted: in Stage One."""
    make_account(app, email=EMAIL)
    _submit(app)
    with changing(app) as application:
        _accept(application)
    return sign_in(app, EMAIL)


@pytest.fixture
def fresh(app, demo):
    """A signed-in account holder with no application."""
    make_account(app, email=EMAIL)
    return sign_in(app, EMAIL)


def _text(response) -> str:
    return response.get_data(as_text=True)


def _follow(client, response) -> str:
    assert response.status_code == 302, _text(response)[-3000:]
    return _text(client.get(response.headers["Location"]))


# ---------------------------------------------------------------------------------------------------
# My application


def test_no_application_invites_registration_and_task_pages_send_people_there(app, fresh):
    page = fresh.get(f"{BASE}/")
    assert page.status_code == 200
    assert "/my-application/registration/start" in _text(page)
    for url in ["consent", "referees", "training", "documents", "next-stage", "report", "messages", "withdraw"]:
        response = fresh.get(f"{BASE}/{url}")
        assert response.status_code == 302 and response.headers["Location"].endswith(f"{BASE}/"), url


def test_a_draft_goes_to_the_task_list(app, fresh):
    with app.test_request_context():
        registration.start_registration(_user(), joint=False)
        db.session.commit()
    for url in ["", "consent", "messages"]:
        response = fresh.get(f"{BASE}/{url}")
        assert response.status_code == 302 and response.headers["Location"].endswith("/my-application/registration/"), url


def test_a_sent_registration_shows_where_they_are_and_when_we_decide(app, demo):
    make_account(app, email=EMAIL)
    _submit(app)
    client = sign_in(app, EMAIL)
    with app.app_context():
        application = rules.current_application(_user())
        reference = application.reference
        due = clocks.clocks_of(application, today_london())[0].due
    page = client.get(f"{BASE}/")
    text = _text(page)
    assert reference in text and "Registration sent: waiting for the agency" in text
    assert "nothing for you to do now" in text
    current = [li for li in client.last_page.find_all("li") if li.get("aria-current") == "step"]
    assert len(current) == 1 and "Registration" in client.last_page.text(current[0])
    assert "You are here" in client.last_page.text(current[0])
    assert f"{due.day} " in text and str(due.year) in text
    assert "Decision on your registration" in text
    # Nothing to do yet in Stage One.
    response = client.get(f"{BASE}/consent")
    assert response.status_code == 302
    assert "You cannot do that at this stage" in _follow(client, response)


def test_stage_one_shows_the_tasks_the_worker_and_the_plan(app, person):
    with changing(app) as application:
        assessment.set_stage_one_plan(application, "First: checks.\nThen: training.", None)
    page = person.get(f"{BASE}/")
    text = _text(page)
    for task in ["Give your consent to the checks", "Name your referees", "Tell us about previous partners",
                 "Tell us about your employer", "Book preparation training", "Upload proof of your identity",
                 "Upload proof of your address"]:
        assert task in text
    assert "Demo duty worker" in text
    assert "First: checks.<br>Then: training." in text
    steps = [person.last_page.text(li) for li in person.last_page.by_class("app-step-list")[0].iter("li")]
    assert "Done" in steps[0] and "You are here" in steps[1] and "To come" in steps[2]
    assert "Stage One" in text and "Due by" in text
    assert "Withdraw your application" in text


def test_declined_registration_shows_the_reasons_and_how_to_complain(app, demo):
    make_account(app, email=EMAIL)
    _submit(app)
    with changing(app) as application:
        rules.decline_registration(application, "We cannot take new applicants <b>now</b>.\nSorry.", None)
    client = sign_in(app, EMAIL)
    text = _text(client.get(f"{BASE}/"))
    assert "We did not accept your registration" in text
    assert "We cannot take new applicants &lt;b&gt;now&lt;/b&gt;.<br>Sorry." in text
    assert 'href="/contact"' in text and "complaints procedure" in text
    assert "Ended here" in text
    assert "Start a new registration of interest" in text and "Withdraw your application" not in text


def test_stage_one_reasons_are_shown_only_once_signed_off(app, person):
    with changing(app) as application:
        assessment.recommend_stage_one(application, _staff(), False, "SECRET-UNTIL-SIGNED", None)
    assert "SECRET-UNTIL-SIGNED" not in _text(person.get(f"{BASE}/"))
    with changing(app) as application:
        assessment.sign_off_stage_one(application, _staff(DEMO_MANAGER), True, None)
    text = _text(person.get(f"{BASE}/"))
    assert "SECRET-UNTIL-SIGNED" in text and "cannot go on to Stage Two" in text and "complaints procedure" in text


def test_approval_shows_panel_decision_visits_and_dates(app, person):
    today = today_london()
    with changing(app) as application:
        _finish_stage_one(application)
        assessment.continue_to_stage_two(application)
        visit = assessment.book_visit(application, utcnow() + timedelta(days=3), "Home study: family", None)
        assessment.book_visit(application, utcnow() + timedelta(days=5), "Second visit", None)
        db.session.flush()
        assessment.update_visit(application.visits[1], False, True, None)
        assessment.update_visit(visit, True, False, None)
        assessment.share_par(application, "Report text.", None)
        assessment.comment_on_par(application, application.applicants[0], "Fine.", today)
        assessment.book_panel(application, today, today, None)
        assessment.record_panel_recommendation(application, True, None)
        assessment.record_decision(application, _staff(DEMO_MANAGER), True, "A warm and stable home.", None)
    text = _text(person.get(f"{BASE}/"))
    assert "we approved you as adopters" in text and "A warm and stable home." in text
    assert "Panel date" in text and "Approved on" in text
    assert "Home study: family" in text and "(done)" in text and "(cancelled)" in text
    assert "Read your Prospective Adopter" in text
    assert "complaints procedure" not in text
    steps = [person.last_page.text(li) for li in person.last_page.by_class("app-step-list")[0].iter("li")]
    assert all("Done" in step for step in steps)


def test_not_approved_shows_the_reasons_and_how_to_complain(app, person):
    today = today_london()
    with changing(app) as application:
        _finish_stage_one(application)
        assessment.continue_to_stage_two(application)
        assessment.share_par(application, "Report.", None)
        application.par_shared_at = utcnow() - timedelta(days=40)
        assessment.book_panel(application, today, today, None)
        assessment.record_panel_recommendation(application, False, None)
        assessment.record_decision(application, _staff(DEMO_MANAGER), False, "Reasons given.", None)
    text = _text(person.get(f"{BASE}/"))
    assert "decided not to approve you" in text and "Reasons given." in text and "complaints procedure" in text


def test_fast_track_skips_stage_one_and_the_break(app, demo):
    make_account(app, email=EMAIL)
    with app.test_request_context():
        application = registration.start_registration(_user(), joint=False)
        from portal.adopting.demo import applicant_answers, household_answers

        answers = household_answers("warwickshire")
        answers["previous"]["adopted_before"] = "yes"
        for section, values in answers.items():
            registration.save_household_section(application, section, values)
        for section, values in applicant_answers("Sam Taylor").items():
            registration.save_applicant_section(application.applicants[0], section, values)
        registration.sign_registration(application.applicants[0], "Sam Taylor", "words")
        _accept(application)
        db.session.commit()
    client = sign_in(app, EMAIL)
    client.get(f"{BASE}/")
    steps = [client.last_page.text(li) for li in client.last_page.by_class("app-step-list")[0].iter("li")]
    assert len(steps) == 4 and "Stage Two" in steps[1] and "You are here" in steps[1]


# ---------------------------------------------------------------------------------------------------
# Consent, referees, previous partners, employer


def test_consent_needs_the_box_ticked_and_is_kept_with_its_words(app, person):
    page = person.get(f"{BASE}/consent")
    assert "enhanced DBS check" in _text(page) and "GP" in _text(page)
    response = person.submit(f"{BASE}/consent", {})
    assert response.status_code == 200 and person.last_page.title.startswith("Error: ")
    assert _text(response).count("Select that you agree to the checks") == 2
    response = person.submit(f"{BASE}/consent", {"agree": "agree"})
    assert "Your consent to the checks has been recorded" in _follow(person, response)
    with app.app_context():
        applicant = rules.current_application(_user()).applicants[0]
        assert applicant.consent_at is not None and applicant.consent_version == assessment.CONSENT_VERSION
        assert "Disclosure and Barring Service" in applicant.consent_text
    assert "You gave your consent on" in _text(person.get(f"{BASE}/consent"))


def _referee_form(**changes: str) -> dict[str, str]:
    data = {}
    for number, person in enumerate(_referees(), start=1):
        for key, value in person.items():
            data[f"referee_{number}_{key}"] = str(value)
    data.update(changes)
    return data


def test_referees_errors_are_shown_beside_the_questions(app, person):
    response = person.submit(f"{BASE}/referees", {})
    text = _text(response)
    assert response.status_code == 200 and person.last_page.title.startswith("Error: ")
    assert "Enter the referee&#39;s full name" in text and "Enter the referee&#39;s email address or phone number" in text
    answers = _referee_form(referee_2_relative="no", referee_1_years_known="lots", referee_3_email="not-an-email")
    response = person.submit(f"{BASE}/referees", answers)
    text = _text(response)
    assert text.count("At least one of your referees must be a relative") == 2
    assert 'href="#referee_1_relative"' in text
    assert "Years must be a whole number from 0 to 100" in text
    assert 'value="Referee Three"' in text  # every answer is shown back


def test_referees_are_saved_and_their_outcome_is_never_shown(app, person):
    response = person.submit(f"{BASE}/referees", _referee_form())
    assert "Your referees have been saved" in _follow(person, response)
    with app.app_context():
        checks = [c for c in rules.current_application(_user()).checks if c.kind == CheckKind.REFERENCE]
        assert [c.details["years_known"] for c in checks] == [10, 30, 5]
    text = _text(person.get(f"{BASE}/referees"))
    assert "Not asked yet" in text and 'value="Referee Two"' in text
    # A second save replaces the referees while none has been asked.
    person.submit(f"{BASE}/referees", _referee_form(referee_1_name="Someone Else"))
    with changing(app) as application:
        assessment.give_consent(application.applicants[0], "consent")
        references = [c for c in application.checks if c.kind == CheckKind.REFERENCE]
        assert references[0].details["name"] == "Someone Else"
        assessment.record_check(references[0], CheckStatus.CONCERN, CANARY, None)
        assessment.record_check(references[1], CheckStatus.SATISFACTORY, CANARY, None)
        assessment.record_check(references[2], CheckStatus.REQUESTED, "", None)
    for url in ["referees", "", "messages"]:
        text = _text(person.get(f"{BASE}/{url}"))
        assert CANARY not in text and "Concern" not in text and "Satisfactory" not in text
        assert "concern" not in text.lower().replace("concerns", "")
    text = _text(person.get(f"{BASE}/referees"))
    assert text.count("Reply received") == 2 and "Asked" in text
    overview = _text(person.get(f"{BASE}/"))
    assert "Personal reference: Someone Else" in overview and "Enhanced DBS check" in overview
    assert overview.count("Reply received") == 2
    assert "cannot be changed here" in text and 'name="referee_1_name"' not in text
    # A change sent anyway (an old tab) changes nothing.
    response = person.submit(f"{BASE}/referees", _referee_form(referee_1_name="Changed"), page=f"{BASE}/consent")
    assert response.status_code == 200
    with app.app_context():
        names = [c.details["name"] for c in rules.current_application(_user()).checks if c.kind == CheckKind.REFERENCE]
        assert "Changed" not in names


def test_referees_already_asked_in_another_tab_gives_a_message(app, person, monkeypatch):
    def refuse(*args: Any) -> None:
        raise rules.NotAllowed("already_requested")

    monkeypatch.setattr(assessment, "save_referees", refuse)
    response = person.submit(f"{BASE}/referees", _referee_form())
    assert "We have already started contacting these people" in _follow(person, response)


def test_previous_partners(app, person):
    response = person.submit(f"{BASE}/previous-partners", {})
    assert "Select yes if you have had a previous partner" in _text(response)
    response = person.submit(f"{BASE}/previous-partners", {"had_partner": "yes"})
    assert _text(response).count("Enter the previous partner&#39;s name") == 2
    response = person.submit(f"{BASE}/previous-partners", {"had_partner": "yes", "partner_2_name": "Kim", "partner_3_contact": "kim@x.example"})
    text = _text(response)
    assert "Enter how we can contact the previous partner" in text and "Enter the previous partner&#39;s name" in text
    response = person.submit(f"{BASE}/previous-partners", {"had_partner": "yes", "partner_1_name": "Kim", "partner_1_contact": "kim@x.example"})
    assert "Your answer about previous partners has been saved" in _follow(person, response)
    assert 'value="Kim"' in _text(person.get(f"{BASE}/previous-partners"))
    response = person.submit(f"{BASE}/previous-partners", {"had_partner": "no", "partner_1_name": "Ignored"})
    assert response.status_code == 302
    with app.app_context():
        application = rules.current_application(_user())
        assert not [c for c in application.checks if c.kind == CheckKind.PREVIOUS_PARTNER]
        assert application.applicants[0].stage_one_answers["previous_partners_done"]
    text = _text(person.get(f"{BASE}/previous-partners"))
    assert 'value="no" checked' in text


def test_previous_partners_cannot_change_once_asked(app, person):
    person.submit(f"{BASE}/previous-partners", {"had_partner": "yes", "partner_1_name": "Kim", "partner_1_contact": "kim@x.example"})
    with changing(app) as application:
        check = next(c for c in application.checks if c.kind == CheckKind.PREVIOUS_PARTNER)
        assessment.record_check(check, CheckStatus.REQUESTED, "", None)
    text = _text(person.get(f"{BASE}/previous-partners"))
    assert "cannot be changed here" in text and 'name="had_partner"' not in text


def test_employer_only_for_people_who_work_with_children(app, person):
    response = person.submit(f"{BASE}/employer", {})
    assert "Enter your employer&#39;s name" in _text(response)
    response = person.submit(f"{BASE}/employer", {"employer_name": "Demo School", "employer_contact": "Head teacher, 01632 960 001"})
    assert "Your employer&#39;s details have been saved" in _follow(person, response)
    assert 'value="Demo School"' in _text(person.get(f"{BASE}/employer"))
    with changing(app) as application:
        check = next(c for c in application.checks if c.kind == CheckKind.EMPLOYER)
        assert check.details == {"name": "Demo School", "contact": "Head teacher, 01632 960 001"}
        assessment.record_check(check, CheckStatus.REQUESTED, "", None)
        # Someone who does not work with children is not asked.
        applicant = application.applicants[0]
        applicant.answers = {**applicant.answers, "about_you": {**applicant.answers["about_you"], "works_with_children": "no"}}
    assert "Tell us about your employer" not in _text(person.get(f"{BASE}/"))
    response = person.get(f"{BASE}/employer")
    assert "do not work with children" in _follow(person, response)


# ---------------------------------------------------------------------------------------------------
# Training


def _course(app, days: int = 10, places: int = 12, cancelled: bool = False) -> str:
    with app.app_context():
        course = assessment.add_course("Preparation training", utcnow() + timedelta(days=days), "Shire Hall", places)
        course.cancelled = cancelled
        db.session.commit()
        return course.public_id


def test_training_booking_and_cancelling(app, person):
    first, full = _course(app, 10), _course(app, 20, places=0)
    _course(app, 30, cancelled=True)
    text = _text(person.get(f"{BASE}/training"))
    assert "Shire Hall" in text and "Full" in text and text.count('name="course"') == 1
    response = person.submit(f"{BASE}/training", {"course": first})
    assert "Your place has been booked" in _follow(person, response)
    text = _text(person.get(f"{BASE}/training"))
    assert "Booked" in text and "Your bookings" in text and "Cancel this booking" in text
    # The same booking again changes nothing.
    assert person.submit(f"{BASE}/training", {"course": first}).status_code == 302
    with app.app_context():
        assert len(rules.current_application(_user()).bookings) == 1
    response = person.submit(f"{BASE}/training", {"course": full})
    assert "That training date is full" in _follow(person, response)
    assert person.submit(f"{BASE}/training", {"course": "not-a-course"}).status_code == 404
    assert person.submit(f"{BASE}/training/not-a-course/cancel", {}, page=f"{BASE}/training").status_code == 404
    token = person.csrf_token(f"{BASE}/training")
    assert person.post(f"{BASE}/training/{first}/cancel", data={}).status_code == 400
    response = person.post(f"{BASE}/training/{first}/cancel", data={"csrf_token": token})
    assert "Your booking has been cancelled" in _follow(person, response)
    with app.app_context():
        assert rules.current_application(_user()).bookings == []


def test_attended_training_cannot_be_cancelled_and_shows_as_attended(app, person):
    course = _course(app)
    person.submit(f"{BASE}/training", {"course": course})
    with changing(app) as application:
        assessment.record_attendance(application.bookings[0], True, None)
    assert "(attended)" in _text(person.get(f"{BASE}/training"))
    token = person.csrf_token(f"{BASE}/training")
    response = person.post(f"{BASE}/training/{course}/cancel", data={"csrf_token": token})
    assert "cannot be cancelled here" in _follow(person, response)


def test_training_can_be_booked_in_stage_two_but_not_on_a_break(app, person):
    course = _course(app)
    today = today_london()
    with changing(app) as application:
        _finish_stage_one(application)
        assessment.take_break(application, today + timedelta(days=20), today)
    response = person.get(f"{BASE}/training")
    assert response.status_code == 302
    with changing(app) as application:
        assessment.continue_to_stage_two(application)
    assert "Book preparation training" in _text(person.get(f"{BASE}/"))
    response = person.submit(f"{BASE}/training", {"course": course})
    assert "Your place has been booked" in _follow(person, response)
    text = _text(person.get(f"{BASE}/"))
    assert "Book preparation training" not in text and "nothing for you to do now" not in text


def test_training_booked_twice_at_once_keeps_one(app, person, monkeypatch):
    from sqlalchemy.exc import IntegrityError

    course = _course(app)

    def clash(*args: Any) -> None:
        raise IntegrityError("insert", {}, Exception("unique"))

    monkeypatch.setattr(application_public, "_done", clash)
    response = person.submit(f"{BASE}/training", {"course": course})
    assert response.status_code == 302 and response.headers["Location"].endswith("/training")


# ---------------------------------------------------------------------------------------------------
# Documents


def _png_with_exif() -> bytes:
    image = Image.new("RGB", (40, 30), (200, 10, 10))
    exif = Image.Exif()
    exif[0x010F] = "CANARY-CAMERA"
    out = io.BytesIO()
    image.save(out, "PNG", exif=exif)
    data = out.getvalue()
    assert b"CANARY-CAMERA" in data
    return data


def _upload(client, data: bytes, filename: str, kind: str = "identity"):
    token = client.csrf_token(f"{BASE}/documents")
    builder = EnvironBuilder(
        client.application,
        path=f"{BASE}/documents",
        method="POST",
        data={"csrf_token": token, "kind": kind, "document": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )
    # The test client leaves a large body's spooled temporary file open; close it here.
    environ = builder.get_environ()
    try:
        return client.open(environ)
    finally:
        environ["wsgi.input"].close()
        builder.close()


def test_a_photo_is_kept_without_its_metadata_and_downloads_safely(app, person):
    page = person.get(f"{BASE}/documents")
    assert 'enctype="multipart/form-data"' in _text(page) and "csrf_token" in _text(page)
    response = _upload(person, _png_with_exif(), "../../my passport.png")
    assert "Your document has been uploaded" in _follow(person, response)
    with app.app_context():
        document = db.session.scalar(select(ApplicationDocument))
        public_id = document.public_id
        assert document.filename == "my-passport.png"
    text = _text(person.get(f"{BASE}/documents"))
    assert "my-passport.png" in text and "Proof of identity" in text
    assert "Upload proof of your identity" in _text(person.get(f"{BASE}/"))
    download = person.get(f"{BASE}/documents/{public_id}")
    assert download.status_code == 200
    assert download.headers["Content-Type"] == "image/png"
    assert download.headers["Content-Disposition"] == 'attachment; filename="my-passport.png"'
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in download.headers["Cache-Control"]
    assert b"CANARY-CAMERA" not in download.data
    with Image.open(io.BytesIO(download.data)) as image:
        assert not image.getexif() and image.size == (40, 30)
        assert "exif" not in image.info


def test_a_pdf_is_accepted(app, person):
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    response = _upload(person, pdf, "bill.pdf", "proof_of_address")
    assert response.status_code == 302
    with app.app_context():
        document = db.session.scalar(select(ApplicationDocument))
        assert document.content_type == "application/pdf" and document.kind == "proof_of_address"
        public_id = document.public_id
    assert person.get(f"{BASE}/documents/{public_id}").headers["Content-Type"] == "application/pdf"


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"just some text, not a picture", "photo.png", "The selected file must be a JPEG, PNG or PDF"),
        (b"\x89PNG\r\n\x1a\n" + b"0" * (5 * 1024 * 1024), "huge.png", "The selected file must be smaller than 5 MB"),
        (b"\x89PNG\r\n\x1a\nbroken", "broken.png", "The selected file could not be read"),
        (b"%PDF-1.4\n/JavaScript (x)\n%%EOF\n", "script.pdf", "The selected PDF contains scripts"),
        (b"", "empty.png", "The selected file is empty"),
    ],
)
def test_bad_files_are_refused_beside_the_field(app, person, data, filename, message):
    response = _upload(person, data, filename)
    assert response.status_code == 200 and person.last_page.title.startswith("Error: ")
    text = _text(response)
    assert text.count(message) == 2 and 'href="#document"' in text
    with app.app_context():
        assert db.session.scalar(select(ApplicationDocument)) is None


def test_a_document_needs_a_kind_and_a_file(app, person):
    token = person.csrf_token(f"{BASE}/documents")
    response = person.post(f"{BASE}/documents", data={"csrf_token": token, "document": "not a file"})
    text = _text(response)
    assert "Select a file" in text and "Select what the document is" in text


def test_another_account_holder_sees_only_their_own(app, person):
    _upload(person, _png_with_exif(), "passport.png")
    with app.app_context():
        public_id = db.session.scalar(select(ApplicationDocument.public_id))
        reference = rules.current_application(_user()).reference
    make_account(app, email=OTHER)
    other = sign_in(app, OTHER)
    assert other.get(f"{BASE}/documents/{public_id}").status_code == 404
    assert other.get(f"{BASE}/documents/not-a-document").status_code == 404
    text = _text(other.get(f"{BASE}/"))
    assert reference not in text and "You have not started an application" in text
    # Their own application does not open the first person's either.
    _submit(app, OTHER)
    with changing(app, OTHER) as application:
        _accept(application)
    assert other.get(f"{BASE}/documents/{public_id}").status_code == 404
    assert reference not in _text(other.get(f"{BASE}/"))
    assert "passport.png" not in _text(other.get(f"{BASE}/documents"))


# ---------------------------------------------------------------------------------------------------
# Between the stages


def _stage_one_done(app) -> None:
    with changing(app) as application:
        _finish_stage_one(application)


def _date(day) -> dict[str, str]:
    return {"until": [str(day.day), str(day.month), str(day.year)]}


def test_a_break_of_more_than_six_months_is_refused(app, person):
    _stage_one_done(app)
    today = today_london()
    with app.app_context():
        latest = clocks.latest_break_end(rules.current_application(_user()))
    text = _text(person.get(f"{BASE}/next-stage"))
    assert "Tell us whether you want to go on to Stage Two" in _text(person.get(f"{BASE}/"))
    assert f"{latest.day} " in person.get(f"{BASE}/next-stage").get_data(as_text=True)
    assert "The break can end on" in text
    cases = [
        ({"choice": "break", **_date(latest + timedelta(days=1))}, "A break can last up to 6 months"),
        ({"choice": "break", **_date(today)}, "must be in the future"),
        ({"choice": "break"}, "Enter the date your break ends"),
        ({"choice": "break", "until": ["31", "2", "2027"]}, "The date must be a real date"),
        ({"choice": "break", "until": ["1", "1", "99999999999999999999"]}, "The date must be a real date"),
        ({}, "Select whether you want to go on to Stage Two now or take a break"),
    ]
    for answers, message in cases:
        response = person.submit(f"{BASE}/next-stage", answers)
        assert response.status_code == 200 and person.last_page.title.startswith("Error: "), answers
        assert _text(response).count(message) == 2, answers
    assert 'href="#until-day"' in _text(person.submit(f"{BASE}/next-stage", {"choice": "break"}))
    response = person.submit(f"{BASE}/next-stage", {"choice": "break", **_date(latest)})
    assert "Your break has been recorded" in _follow(person, response)
    with app.app_context():
        application = rules.current_application(_user())
        assert application.status == "on_break" and application.break_until == latest
    text = _text(person.get(f"{BASE}/"))
    assert "Your break ends" in text and "Break between the stages" in text


def test_on_a_break_they_can_go_on_to_stage_two_now(app, person):
    _stage_one_done(app)
    today = today_london()
    person.submit(f"{BASE}/next-stage", {"choice": "break", **_date(today + timedelta(days=30))})
    text = _text(person.get(f"{BASE}/next-stage"))
    assert "You are taking a break until" in text and "Go on to Stage Two now" in text
    response = person.submit(f"{BASE}/next-stage", {})
    assert "Stage Two has started" in _follow(person, response)
    with app.app_context():
        assert rules.current_application(_user()).status == "stage_two"
    assert person.get(f"{BASE}/next-stage").status_code == 302


def test_going_straight_on_to_stage_two(app, person):
    _stage_one_done(app)
    response = person.submit(f"{BASE}/next-stage", {"choice": "continue", "until": ["1", "1", "1800"]})
    assert "Stage Two has started" in _follow(person, response)
    with app.app_context():
        application = rules.current_application(_user())
        assert application.status == "stage_two" and application.stage_two_started_at is not None


def test_a_move_that_the_state_no_longer_allows_gives_a_message(app, person, monkeypatch):
    _stage_one_done(app)

    def moved_on(*args: Any) -> None:
        raise rules.IllegalMove("continue is not allowed")

    monkeypatch.setattr(assessment, "continue_to_stage_two", moved_on)
    response = person.submit(f"{BASE}/next-stage", {"choice": "continue"})
    assert "Your application has moved on" in _follow(person, response)


def test_a_clash_with_another_change_gives_a_message(app, person, monkeypatch):
    from sqlalchemy.orm.exc import StaleDataError

    def clash(*args: Any) -> None:
        raise StaleDataError("changed")

    monkeypatch.setattr(assessment, "give_consent", clash)
    response = person.submit(f"{BASE}/consent", {"agree": "agree"})
    assert "changed by someone else at the same time" in _follow(person, response)
    with app.app_context():
        assert rules.current_application(_user()).applicants[0].consent_at is None


# ---------------------------------------------------------------------------------------------------
# Stage Two: the report


def test_the_report_is_shown_escaped_and_can_be_commented_on(app, person):
    with changing(app) as application:
        _finish_stage_one(application)
        assessment.continue_to_stage_two(application)
    response = person.get(f"{BASE}/report")
    assert "Your report has not been shared with you yet" in _follow(person, response)
    with changing(app) as application:
        assessment.share_par(application, "First paragraph <script>alert(1)</script>\nsecond line\n\nSecond paragraph", None)
        due = clocks.par_comments_due(application)
    assert "Comment on your report" in _text(person.get(f"{BASE}/"))
    text = _text(person.get(f"{BASE}/report"))
    assert "<script>alert(1)</script>" not in text and "&lt;script&gt;" in text
    assert "second line" in text and "<br>second line" in text.replace("&lt;/script&gt;<br>", "<br>")
    assert "Second paragraph</p>" in text and str(due.year) in text
    response = person.submit(f"{BASE}/report", {"comments": ""})
    assert "Enter your comments on the report" in _text(response)
    response = person.submit(f"{BASE}/report", {"comments": "x" * 10001})
    assert "Answer must be 10000 characters or fewer" in _text(response)
    response = person.submit(f"{BASE}/report", {"comments": "We agree."})
    assert "Your comments have been sent" in _follow(person, response)
    with app.app_context():
        assert rules.current_application(_user()).par_comments == "We agree."
    assert "Comments sent on" in _text(person.get(f"{BASE}/report"))


def test_comments_after_the_deadline_are_refused(app, person):
    with changing(app) as application:
        _finish_stage_one(application)
        assessment.continue_to_stage_two(application)
        assessment.share_par(application, "Report.", None)
        application.par_shared_at = utcnow() - timedelta(days=30)
    text = _text(person.get(f"{BASE}/report"))
    assert "The time to comment on your report ended on" in text and 'name="comments"' not in text
    response = person.submit(f"{BASE}/report", {"comments": "Late."}, page=f"{BASE}/messages")
    assert "The time to comment on your report has passed" in _follow(person, response)
    with app.app_context():
        assert rules.current_application(_user()).par_comments == ""


def test_the_deadline_passing_while_writing_is_refused_by_the_rule(app, person, monkeypatch):
    with changing(app) as application:
        _finish_stage_one(application)
        assessment.continue_to_stage_two(application)
        assessment.share_par(application, "Report.", None)

    def closed(*args: Any) -> None:
        raise rules.NotAllowed("comments_closed")

    monkeypatch.setattr(assessment, "comment_on_par", closed)
    response = person.submit(f"{BASE}/report", {"comments": "Late."})
    assert "The time to comment on your report has passed" in _follow(person, response)


# ---------------------------------------------------------------------------------------------------
# Messages and withdrawing


def test_messages_are_sent_and_say_who_wrote_them(app, person):
    assert "There are no messages yet" in _text(person.get(f"{BASE}/messages"))
    response = person.submit(f"{BASE}/messages", {"body": ""})
    assert "Enter your message" in _text(response) and person.last_page.title.startswith("Error: ")
    response = person.submit(f"{BASE}/messages", {"body": "Hello <b>there</b>"})
    assert "Your message has been sent" in _follow(person, response)
    with changing(app) as application:
        rules.send_staff_message(application, _staff(), "Reply from the worker")
        rules.send_staff_message(application, _staff(DEMO_MANAGER), "Reply from the manager")
    text = _text(person.get(f"{BASE}/messages"))
    assert "You" in text and "Hello &lt;b&gt;there&lt;/b&gt;" in text
    assert "Your social worker, Demo duty worker" in text and "Demo team manager" in text


def test_no_messages_once_the_application_has_ended(app, person):
    with changing(app) as application:
        rules.withdraw(application, application.applicants[0], "")
    text = _text(person.get(f"{BASE}/messages"))
    assert "Your application has ended" in text and 'name="body"' not in text
    # A message sent from a page opened before the application ended.
    response = person.submit(f"{BASE}/messages", {"body": "Hello"}, page=f"{BASE}/")
    assert "your message was not sent" in _follow(person, response)
    with app.app_context():
        assert rules.current_application(_user()).messages == []


def test_withdrawing_with_a_reason(app, person):
    page = person.get(f"{BASE}/withdraw")
    assert "Withdraw your application" in _text(page)
    response = person.submit(f"{BASE}/withdraw", {"reason": "x" * 2001})
    assert "Answer must be 2000 characters or fewer" in _text(response)
    response = person.submit(f"{BASE}/withdraw", {"reason": "We have moved away."})
    text = _follow(person, response)
    assert "Your application has been withdrawn" in text and "Withdrawn on" in text and "Ended here" in text
    with app.app_context():
        application = rules.current_application(_user())
        assert application.status == "withdrawn" and application.withdraw_reason == "We have moved away."
    response = person.get(f"{BASE}/withdraw")
    assert "Your application has already ended" in _follow(person, response)
    assert person.get(f"{BASE}/consent").status_code == 302


@pytest.mark.parametrize(("how_far", "stopped"), [("stage_one", 2), ("stage_two", 3), ("panel", 4)])
def test_withdrawing_shows_where_it_stopped(app, person, how_far, stopped):
    today = today_london()
    with changing(app) as application:
        _finish_stage_one(application)
        if how_far != "stage_one":
            assessment.continue_to_stage_two(application)
        if how_far == "panel":
            assessment.share_par(application, "Report.", None)
            assessment.comment_on_par(application, application.applicants[0], "Fine.", today)
            assessment.book_panel(application, today + timedelta(days=9), today, None)
        rules.withdraw(application, application.applicants[0], "")
    person.get(f"{BASE}/")
    steps = [person.last_page.text(li) for li in person.last_page.by_class("app-step-list")[0].iter("li")]
    assert all("Done" in step for step in steps[:stopped]) and "Ended here" in steps[stopped]
    assert all("To come" in step for step in steps[stopped + 1:])


def test_a_draft_can_be_cancelled(app, fresh):
    with app.test_request_context():
        registration.start_registration(_user(), joint=False)
        db.session.commit()
    assert "Cancel your registration" in _text(fresh.get(f"{BASE}/withdraw"))
    response = fresh.submit(f"{BASE}/withdraw", {})
    assert "Your registration has been cancelled" in _follow(fresh, response)
    with app.app_context():
        assert rules.current_application(_user()).status == "withdrawn"


def test_withdraw_without_an_application_goes_to_my_application(app, fresh):
    response = fresh.get(f"{BASE}/withdraw")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"{BASE}/")


def test_pages_in_welsh_and_urdu(app, person):
    _course(app)
    for language in ["cy", "ur"]:
        person.get(f"{BASE}/?lang={language}")
        for url in ["", "consent", "referees", "previous-partners", "employer", "training", "documents", "messages", "withdraw"]:
            response = person.get(f"{BASE}/{url}")
            assert response.status_code == 200, url
            assert person.last_page.tree.get("lang") == language


def test_the_applicant_cannot_learn_a_check_outcome_anywhere(app, person):
    with changing(app) as application:
        assessment.give_consent(application.applicants[0], "consent")
        for check in application.checks:
            assessment.record_check(check, CheckStatus.CONCERN, CANARY, None)
    for url in ["", "consent", "referees", "previous-partners", "employer", "training", "documents", "messages", "withdraw"]:
        assert CANARY not in _text(person.get(f"{BASE}/{url}")), url
    with app.app_context():
        assert db.session.scalar(select(ApplicationCheck).where(ApplicationCheck.staff_note == CANARY)) is not None



def test_labels_fall_back_to_the_stored_value(app):
    from portal.adopting.application_presenters import STATUS_LABELS, label_of

    with app.test_request_context():
        assert label_of(STATUS_LABELS, "not-a-status") == "not-a-status"
        assert label_of(STATUS_LABELS, "approved") == "Approved"


def test_joint_applicants_each_do_their_own_part_and_share_the_rest(app, demo):
    import re

    from portal.adopting.demo import applicant_answers, household_answers
    from tests.accounts.public_support import last_email

    make_account(app, email=EMAIL)
    make_account(app, email=OTHER)
    with app.test_request_context():
        application = registration.start_registration(_user(), joint=True)
        for section, values in household_answers("warwickshire").items():
            registration.save_household_section(application, section, values)
        registration.invite_second_applicant(application, OTHER, "en")
        db.session.commit()
    token = re.search(r"/join/(\S+)", last_email(app, OTHER, "application-joint-invitation").body).group(1)
    with app.test_request_context():
        application = registration.join_application(_user(OTHER), token)
        answers = applicant_answers("Sam Taylor")
        answers["about_you"]["works_with_children"] = "no"
        for applicant in application.applicants:
            for section, values in answers.items():
                registration.save_applicant_section(applicant, section, values)
        for applicant in application.applicants:
            registration.sign_registration(applicant, "Sam Taylor", "words")
        _accept(application)
        db.session.commit()
    first, second = sign_in(app, EMAIL), sign_in(app, OTHER)
    first.submit(f"{BASE}/consent", {"agree": "agree"})
    first.submit(f"{BASE}/messages", {"body": "From the first applicant"})
    assert "Tell us about your employer" not in _text(second.get(f"{BASE}/"))
    assert 'name="agree"' in _text(second.get(f"{BASE}/consent"))
    assert "The other applicant" in _text(second.get(f"{BASE}/messages"))
    assert "You" in _text(first.get(f"{BASE}/messages"))
    _upload(first, _png_with_exif(), "address.png", "proof_of_address")
    with app.app_context():
        public_id = db.session.scalar(select(ApplicationDocument.public_id))
    assert second.get(f"{BASE}/documents/{public_id}").status_code == 200
    text = _text(second.get(f"{BASE}/"))
    # Proof of address is for the household; identity is each person's own.
    items = [second.last_page.text(li) for li in second.last_page.by_class("govuk-task-list__item")]
    assert any("Upload proof of your address" in item and "Done" in item for item in items)
    assert any("Upload proof of your identity" in item and "To do" in item for item in items)
    assert any("Give your consent" in item and "To do" in item for item in items)
    assert "address.png" in text
