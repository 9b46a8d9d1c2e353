"""Staff pages for preparation training dates: the list, adding a date, who booked, cancelling."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from portal.accounts.models import PublicUser, StaffRole, StaffUser
from portal.accounts.rules import create_staff
from portal.adopting import application_rules as rules
from portal.adopting import assessment_rules as assessment
from portal.adopting.application_models import TrainingCourse
from portal.adopting.demo import build_submitted
from portal.core.audit import AuditEvent
from portal.core.db import db, utcnow
from portal.core.timescales import today_london
from portal.demo import DEMO_PASSWORD, DEMO_STAFF, DEMO_TOTP_SECRET
from tests.accounts.public_support import make_account
from tests.conftest import sign_in_staff

NEW = "/staff/training/new"
NEXT_YEAR = today_london().year + 1


def _course(app, days: float = 14, title: str = "Preparation training", cancelled: bool = False) -> str:
    with app.test_request_context():
        course = assessment.add_course(title, utcnow() + timedelta(days=days), "Shire Hall, Warwick", 12)
        if cancelled:
            assessment.cancel_course(course)
        db.session.commit()
        return course.public_id


def _load(app, public_id: str) -> TrainingCourse:
    with app.app_context():
        course = db.session.scalar(select(TrainingCourse).where(TrainingCourse.public_id == public_id))
        db.session.expunge(course)
        return course


def _actions(app, object_id: str) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent.action).where(AuditEvent.object_id == object_id)))


def _booked_application(app, email: str, authority: str, course_id: str, attended: bool | None = None) -> tuple[str, str]:
    """An application in Stage One that booked this course; gives back its reference and public id."""
    make_account(app, email=email)
    with app.test_request_context():
        user = db.session.scalar(select(PublicUser).where(PublicUser.email == email))
        worker = db.session.scalar(select(StaffUser).where(StaffUser.email == DEMO_STAFF))
        application = build_submitted(user, authority)
        rules.accept_registration(application, worker, None)
        course = db.session.scalar(select(TrainingCourse).where(TrainingCourse.public_id == course_id))
        booking = assessment.book_training(application, course)
        db.session.flush()
        if attended is not None:
            assessment.record_attendance(booking, attended, None)
        db.session.commit()
        return application.reference, application.public_id


def _form(**changes: str) -> dict[str, str]:
    data = {
        "title": "Preparation training (three days)",
        "course_date": ["15", "7", str(NEXT_YEAR)],
        "start_time": "09:30",
        "venue": "Shire Hall, Warwick",
        "places": "12",
    }
    data.update(changes)
    return data


# ---------------------------------------------------------------------------------------------------
# The list


def test_the_list_shows_upcoming_and_past_dates_with_bookings(app, manager_client):
    soon = _course(app, days=14, title="Soon course")
    _course(app, days=30, title="Later course", cancelled=True)
    _course(app, days=-30, title="Old course")
    _booked_application(app, "booker@people.example", "warwickshire", soon)

    response = manager_client.get("/staff/training/")
    assert response.status_code == 200
    page = manager_client.last_page
    assert page.h1 == "Preparation training dates"
    tables = page.find_all("table")
    upcoming, past = (page.text(t) for t in tables)
    assert "Soon course" in upcoming and "Later course" in upcoming and "Cancelled" in upcoming
    assert upcoming.index("Soon course") < upcoming.index("Later course")
    assert "Old course" in past and "Soon course" not in past
    soon_row = next(r for r in tables[0].iter("tr") if "Soon course" in page.text(r))
    assert page.text(soon_row).endswith("12 1")  # places, booked
    assert NEW in response.get_data(as_text=True)
    assert _actions(app, "all").count("training_courses_viewed") == 1


def test_the_list_says_when_there_are_no_dates(manager_client):
    body = manager_client.get("/staff/training/").get_data(as_text=True)
    assert "No training dates are coming up." in body
    assert "No training dates have passed yet." in body


def test_only_the_most_recent_past_dates_are_listed(app, manager_client, monkeypatch):
    from portal.adopting import training_staff

    monkeypatch.setattr(training_staff, "PAST_SHOWN", 2)
    for days in (-10, -20, -30):
        _course(app, days=days, title=f"Past {-days}")
    body = manager_client.get("/staff/training/").get_data(as_text=True)
    assert "Past 10" in body and "Past 20" in body and "Past 30" not in body
    assert "Only the 2 most recent past dates are shown." in body


# ---------------------------------------------------------------------------------------------------
# Adding a date


def test_adding_a_date_converts_london_time_to_utc(app, manager_client):
    assert manager_client.get(NEW).status_code == 200
    response = manager_client.submit(NEW, _form())
    assert response.status_code == 302
    public_id = response.headers["Location"].rsplit("/", 1)[1]
    course = _load(app, public_id)
    # 09:30 in July is British Summer Time: 08:30 UTC.
    assert course.starts_at == datetime(NEXT_YEAR, 7, 15, 8, 30, tzinfo=UTC)
    assert (course.title, course.venue, course.places, course.cancelled) == (
        "Preparation training (three days)", "Shire Hall, Warwick", 12, False
    )
    assert "training_course_added" in _actions(app, public_id)
    page = manager_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Training date added." in page and "15 July" in page and "09:30" in page


def test_a_winter_date_is_the_same_in_utc(app, manager_client):
    response = manager_client.submit(NEW, _form(course_date=["10", "1", str(NEXT_YEAR)], start_time="18.05"))
    course = _load(app, response.headers["Location"].rsplit("/", 1)[1])
    assert course.starts_at == datetime(NEXT_YEAR, 1, 10, 18, 5, tzinfo=UTC)


def test_a_date_today_is_accepted(app, manager_client):
    today = today_london()
    response = manager_client.submit(NEW, _form(course_date=[str(today.day), str(today.month), str(today.year)]))
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"course_date": ["1", "1", "2020"]}, "course_date", "Date must be today or in the future"),
        ({"course_date": ["31", "2", str(NEXT_YEAR)]}, "course_date", "Date must be a real date"),
        ({"course_date": ["x", "y", "z"]}, "course_date", "Date must be a real date"),
        ({"course_date": ["", "", ""]}, "course_date", "Enter the date"),
        ({"start_time": "25:00"}, "start_time", "Enter the start time like 09:30"),
        ({"start_time": "9.3x"}, "start_time", "Enter the start time like 09:30"),
        ({"start_time": "09:30:00"}, "start_time", "Enter the start time like 09:30"),
        ({"start_time": ""}, "start_time", "Enter the start time"),
        ({"places": "0"}, "places", "Places must be a whole number from 1 to 200"),
        ({"places": "201"}, "places", "Places must be a whole number from 1 to 200"),
        ({"places": "-3"}, "places", "Places must be a whole number from 1 to 200"),
        ({"places": "ten"}, "places", "Places must be a whole number from 1 to 200"),
        ({"places": "9" * 40}, "places", "Places must be a whole number from 1 to 200"),
        ({"places": ""}, "places", "Enter the number of places"),
        ({"title": ""}, "title", "Enter a title"),
        ({"title": "x" * 201}, "title", "Title must be 200 characters or fewer"),
        ({"title": "Bad\u202etitle"}, "title", "Remove any unusual or invisible characters"),
        ({"venue": ""}, "venue", "Enter the venue"),
        ({"venue": "v" * 201}, "venue", "Venue must be 200 characters or fewer"),
    ],
)
def test_adding_a_date_with_a_mistake_says_what_is_wrong(app, manager_client, changes, field, message):
    response = manager_client.submit(NEW, _form(**changes))
    assert response.status_code == 400
    page = manager_client.last_page
    assert page.title.startswith("Error: ")
    summary = page.text(page.by_class("govuk-error-summary")[0])
    assert message in summary
    errors = [page.text(e) for e in page.by_class("govuk-error-message")]
    assert any(message in e for e in errors)
    anchor = f"#{field}-day" if field == "course_date" else f"#{field}"
    assert f'href="{anchor}"' in page.html
    with app.app_context():
        assert db.session.scalar(select(TrainingCourse).limit(1)) is None


def test_every_answer_is_shown_back_on_error(manager_client):
    manager_client.submit(NEW, _form(places="500", title="Kept title", venue="Kept venue", start_time="10:15"))
    html = manager_client.last_page.html
    for kept in ('value="Kept title"', 'value="Kept venue"', 'value="10:15"', 'value="500"', f'value="{NEXT_YEAR}"'):
        assert kept in html


def test_a_post_with_missing_fields_is_a_400_not_a_500(manager_client):
    response = manager_client.post(NEW, data={"csrf_token": manager_client.csrf_token(NEW)})
    assert response.status_code == 400
    response = manager_client.post(NEW, data={"csrf_token": manager_client.csrf_token(NEW), "course_date": ["1"]})
    assert response.status_code == 400


# ---------------------------------------------------------------------------------------------------
# One date: who booked


def test_a_date_shows_who_booked_by_reference_and_attendance(app, manager_client):
    course = _course(app)
    first, first_id = _booked_application(app, "one@people.example", "warwickshire", course, attended=True)
    second, _ = _booked_application(app, "two@people.example", "coventry", course, attended=False)
    third, _ = _booked_application(app, "three@people.example", "solihull", course)

    response = manager_client.get(f"/staff/training/{course}")
    assert response.status_code == 200
    page = manager_client.last_page
    assert page.h1 == "Preparation training"
    rows = {page.text(r).split()[0]: page.text(r) for r in page.find_all("tbody")[0].iter("tr")}
    assert rows[first].endswith("Yes") and rows[second].endswith("No") and rows[third].endswith("Not recorded yet")
    assert f'href="/staff/applications/{first_id}"' in page.html
    # The reference and nothing personal: no names of the applicants.
    assert "Sam Taylor" not in page.html
    summary = page.text(page.by_class("govuk-summary-list")[0])
    assert "Booked 3" in summary and "Places 12" in summary
    assert _actions(app, course) == ["training_course_added", "training_course_viewed"]


def test_a_date_nobody_booked(app, manager_client):
    course = _course(app)
    body = manager_client.get(f"/staff/training/{course}").get_data(as_text=True)
    assert "Nobody has booked this date yet." in body
    assert "Cancel this training date" in body


def test_spoke_staff_see_only_their_own_areas_bookings(app, demo):
    with app.app_context():
        coventry = db.session.scalar(select(StaffUser.authority_id).where(StaffUser.email == "coventry.worker@ace.example"))
        create_staff("coventry.assessor@ace.example", "Coventry assessor", DEMO_PASSWORD, totp_secret=DEMO_TOTP_SECRET,
                     roles=[StaffRole.ASSESSMENT_WORKER], authority_id=coventry)
        db.session.commit()
    course = _course(app)
    ours, _ = _booked_application(app, "ours@people.example", "coventry", course)
    theirs, _ = _booked_application(app, "theirs@people.example", "solihull", course)
    client = sign_in_staff(app, "coventry.assessor@ace.example")
    body = client.get(f"/staff/training/{course}").get_data(as_text=True)
    assert ours in body and theirs not in body
    assert "1 more booking is from applicants in other council areas." in body

    only_other = _course(app, days=20)
    _booked_application(app, "other@people.example", "solihull", only_other)
    body = client.get(f"/staff/training/{only_other}").get_data(as_text=True)
    assert "Nobody you can see has booked this date." in body


def test_a_date_that_does_not_exist_is_404(manager_client):
    assert manager_client.get("/staff/training/not-a-real-id").status_code == 404
    url = "/staff/training/not-a-real-id/cancel"
    response = manager_client.post(url, data={"csrf_token": manager_client.csrf_token("/staff/training/")})
    assert response.status_code == 404


# ---------------------------------------------------------------------------------------------------
# Cancelling


def _cancel(client, course: str):
    return client.submit(f"/staff/training/{course}/cancel", {}, page=f"/staff/training/{course}")


def test_cancelling_a_date(app, manager_client):
    course = _course(app)
    response = _cancel(manager_client, course)
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/staff/training/{course}")
    assert _load(app, course).cancelled
    assert "training_course_cancelled" in _actions(app, course)
    body = manager_client.get(f"/staff/training/{course}").get_data(as_text=True)
    assert "Training date cancelled." in body
    assert "Cancelled" in body and "Cancel this training date" not in body


def test_cancelling_a_cancelled_date_says_so(app, manager_client):
    course = _course(app)
    token = manager_client.csrf_token(f"/staff/training/{course}")
    manager_client.post(f"/staff/training/{course}/cancel", data={"csrf_token": token}, follow_redirects=True)
    response = manager_client.post(f"/staff/training/{course}/cancel", data={"csrf_token": token}, follow_redirects=True)
    assert response.status_code == 200
    assert "This training date was already cancelled." in response.get_data(as_text=True)
    assert _actions(app, course).count("training_course_cancelled") == 1


def test_a_date_that_has_started_cannot_be_cancelled(app, manager_client):
    course = _course(app, days=-1)
    token = manager_client.csrf_token(f"/staff/training/{course}")
    assert "Cancel this training date" not in manager_client.last_page.html
    response = manager_client.post(f"/staff/training/{course}/cancel", data={"csrf_token": token}, follow_redirects=True)
    assert "This training date has already started, so it cannot be cancelled." in response.get_data(as_text=True)
    assert not _load(app, course).cancelled


def test_cancelling_needs_the_form_token(app, manager_client):
    course = _course(app)
    assert manager_client.post(f"/staff/training/{course}/cancel").status_code == 400
    assert not _load(app, course).cancelled


# ---------------------------------------------------------------------------------------------------
# Who may use these pages


def test_staff_without_a_training_role_are_refused(app, spoke_client):
    course = _course(app)
    for url in ("/staff/training/", NEW, f"/staff/training/{course}"):
        assert spoke_client.get(url).status_code == 403
    token = spoke_client.csrf_token("/staff/")
    assert spoke_client.post(f"/staff/training/{course}/cancel", data={"csrf_token": token}).status_code == 403
    assert spoke_client.post(NEW, data={"csrf_token": token, **_form()}).status_code == 403
    assert not _load(app, course).cancelled


@pytest.mark.parametrize("who", ["manager_client", "admin_client", "staff_client"])
def test_managers_administrators_and_assessment_workers_may_use_them(app, request, who):
    client = request.getfixturevalue(who)
    course = _course(app)
    assert client.get("/staff/training/").status_code == 200
    assert client.get(f"/staff/training/{course}").status_code == 200
    assert client.submit(NEW, _form()).status_code == 302


def test_anonymous_visitors_are_sent_to_sign_in(app, client, demo):
    course = _course(app)
    response = client.get(f"/staff/training/{course}")
    assert response.status_code == 302 and "/staff/sign-in" in response.headers["Location"]


def test_the_date_in_the_form_is_checked_against_london_today(app, manager_client):
    yesterday = today_london() - timedelta(days=1)
    response = manager_client.submit(NEW, _form(course_date=[str(yesterday.day), str(yesterday.month), str(yesterday.year)]))
    assert response.status_code == 400
