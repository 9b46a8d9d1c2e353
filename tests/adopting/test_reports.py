"""The recruitment report: conversion from enquiry to approval and time in each stage, worked out by
hand for a crafted set of enquiries and applications (Christmas bank holidays, a Stage One that
ends on the last day of February), the CSV export, the period form, and queries that do not grow."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from itertools import count

import pytest
from flask import Flask
from sqlalchemy import event, select

from portal.accounts.models import PublicUser, StaffRole, StaffUser
from portal.accounts.rules import create_staff
from portal.adopting import application_rules as rules
from portal.adopting import assessment_rules as assessment
from portal.adopting import registration_rules as registration
from portal.adopting import reports
from portal.adopting.application_models import Application, ApplicationStatus, CheckStatus
from portal.adopting.demo import applicant_answers, build_submitted, household_answers
from portal.adopting.models import AdoptionType, Enquiry, EnquirySource
from portal.adopting.reports_staff import safe_cell
from portal.agency.rules import add_authority, find_authority
from portal.core.audit import AuditEvent
from portal.core.db import db
from portal.core.timescales import today_london
from portal.demo import DEMO_MANAGER, DEMO_PASSWORD, DEMO_STAFF, DEMO_TOTP_SECRET
from tests.accounts.public_support import make_account
from tests.conftest import sign_in_staff

URL = "/staff/reports/adopters/"
CSV_URL = "/staff/reports/adopters/export.csv"
DECEMBER = {"from": "2025-12-01", "to": "2025-12-31"}
_numbers = count(1)


def at(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def _staff(email: str) -> StaffUser:
    return db.session.scalar(select(StaffUser).where(StaffUser.email == email))


def _enquiry(email: str, authority: str | None, source: str, received: datetime) -> Enquiry:
    number = next(_numbers)
    area = find_authority(authority) if authority else None
    enquiry = Enquiry(
        reference=f"ENQ-RPT-{number:04d}",
        submission_key=f"report-test-{number}",
        received_at=received,
        full_name="Report Test",
        email=email,
        authority_id=area.id if area else None,
        adoption_type=AdoptionType.AGENCY,
        source=source,
        preferred_language="en",
    )
    db.session.add(enquiry)
    db.session.flush()
    return enquiry


def _user(email: str) -> PublicUser:
    return db.session.scalar(select(PublicUser).where(PublicUser.email == email))


def _submitted(email: str, authority: str, sent: datetime) -> Application:
    application = build_submitted(_user(email), authority)
    db.session.flush()
    application.submitted_at = sent
    return application


def _accept(application: Application, when: datetime) -> None:
    rules.accept_registration(application, _staff(DEMO_STAFF), None)
    application.registration_decided_at = when
    application.stage_one_started_at = when


def _finish_stage_one(application: Application, when: datetime) -> None:
    applicant = application.applicants[0]
    assessment.give_consent(applicant, "consent")
    for check in application.checks:
        assessment.record_check(check, CheckStatus.SATISFACTORY, "", None)
    assessment.recommend_stage_one(application, _staff(DEMO_STAFF), True, "All well.", None)
    assessment.sign_off_stage_one(application, _staff(DEMO_MANAGER), True, None)
    application.stage_one_decided_at = when


def _approve(application: Application, started: datetime, decided: datetime) -> None:
    today = today_london()
    manager = _staff(DEMO_MANAGER)
    assessment.continue_to_stage_two(application)
    assessment.share_par(application, "The report.", None)
    assessment.comment_on_par(application, application.applicants[0], "Agreed.", today)
    assessment.book_panel(application, today, today, None)
    assessment.record_panel_recommendation(application, True, None)
    assessment.record_decision(application, manager, True, "Approved.", None)
    application.stage_two_started_at = started
    application.decided_at = decided


EMAILS = [f"person{n}@people.example" for n in range(1, 12)]


@pytest.fixture
def december(app: Flask, demo: None) -> None:
    """The crafted data set, worked out by hand in the expected figures below."""
    for email in EMAILS:
        make_account(app, email=email)
    with app.test_request_context():
        p = EMAILS
        # Warwickshire, heard at an event: sent Tuesday 23 December, accepted Wednesday 31st: the
        # 25th, Boxing Day and the weekend are not working days, so that is 4 working days.
        # Stage One from 31 December is due on 28 February (2 months, the month's last day).
        _enquiry(p[0], "warwickshire", EnquirySource.EVENT, at(2025, 12, 2))
        a1 = _submitted(p[0], "warwickshire", at(2025, 12, 23))
        _accept(a1, at(2025, 12, 31, 15))
        _finish_stage_one(a1, at(2026, 2, 28, 12))  # 59 days, on time
        _approve(a1, at(2026, 3, 2), at(2026, 7, 2))  # 122 days, due 2 July: on time
        # Warwickshire, event: sent Monday 22 December, accepted Friday 2 January: 6 working days
        # (New Year's Day too), late. Stage One from 2 January due 2 March, decided 3 March: late.
        _enquiry(p[1], "warwickshire", EnquirySource.EVENT, at(2025, 12, 3))
        a2 = _submitted(p[1], "warwickshire", at(2025, 12, 22, 9))
        _accept(a2, at(2026, 1, 2))
        _finish_stage_one(a2, at(2026, 3, 3))  # 60 days
        # Coventry, social media: declined in 2 working days, then the same person applied again
        # (one enquiry, counted once).
        _enquiry(p[2], "coventry", EnquirySource.SOCIAL_MEDIA, at(2025, 12, 1, 0, 5))
        a3 = _submitted(p[2], "coventry", at(2025, 12, 1, 9))
        rules.decline_registration(a3, "Reasons.", None)
        a3.registration_decided_at = at(2025, 12, 3, 16)
        _submitted(p[2], "coventry", at(2025, 12, 20))
        # Coventry, social media: no application.
        _enquiry(p[3], "coventry", EnquirySource.SOCIAL_MEDIA, at(2025, 12, 10))
        # Coventry, friend: registration sent in January, after the period (counts for conversion,
        # not for time in each stage, which goes by the date the registration was sent).
        _enquiry(p[4], "coventry", EnquirySource.FRIEND_OR_FAMILY, at(2025, 12, 15))
        _submitted(p[4], "coventry", at(2026, 1, 5))
        # Solihull, press: received late on the last evening of the period, no application.
        _enquiry(p[5], "solihull", EnquirySource.PRESS, at(2025, 12, 31, 23, 30))
        # Somewhere else, internet search: a registration started but never sent.
        _enquiry(p[6], None, EnquirySource.SEARCH_ENGINE, at(2025, 12, 12))
        registration.start_registration(_user(p[6]), joint=False)
        # Before the period: not counted.
        _enquiry(p[7], "warwickshire", EnquirySource.EVENT, at(2025, 11, 30, 23, 30))
        # No earlier enquiry: Solihull, waiting for a decision; Worcestershire, accepted on the
        # next working day (Friday to Monday) and then withdrawn in Stage One.
        _submitted(p[8], "solihull", at(2025, 12, 10))
        a9 = _submitted(p[9], "worcestershire", at(2025, 12, 5, 16))
        _accept(a9, at(2025, 12, 8, 9))
        rules.withdraw(a9, a9.applicants[0], "")
        a9.withdrawn_at = at(2026, 1, 10)
        # No earlier enquiry and sent after the period: not counted.
        _submitted(p[10], "coventry", at(2026, 1, 6))
        db.session.commit()


def _row(rows: list, key: str):
    return next(r for r in rows if r.key == key)


def test_conversion_by_council_area(app, december):
    with app.test_request_context():
        rows = reports.conversion(date(2025, 12, 1), date(2025, 12, 31)).by_authority
        figures = {r.key: (r.enquiries, r.registrations, r.approvals) for r in rows}
        assert [r.key for r in rows] == [
            "coventry", "solihull", "warwickshire", "worcestershire", "elsewhere", "all", "no_enquiry"
        ]
        assert figures == {
            "coventry": (3, 2, 0),
            "solihull": (1, 0, 0),
            "warwickshire": (2, 2, 1),
            "worcestershire": (0, 0, 0),
            "elsewhere": (1, 0, 0),
            "all": (7, 4, 1),
            "no_enquiry": (None, 2, 0),
        }
        coventry = _row(rows, "coventry")
        assert coventry.enquiry_to_registration == pytest.approx(200 / 3)
        assert coventry.registration_to_approval == 0
        assert _row(rows, "warwickshire").enquiry_to_registration == 100
        assert _row(rows, "warwickshire").registration_to_approval == 50
        assert _row(rows, "solihull").registration_to_approval is None
        assert _row(rows, "worcestershire").enquiry_to_registration is None
        assert _row(rows, "all").enquiry_to_registration == pytest.approx(400 / 7)
        assert _row(rows, "all").registration_to_approval == 25
        assert _row(rows, "no_enquiry").enquiry_to_registration is None
        assert _row(rows, "no_enquiry").registration_to_approval == 0
        assert _row(rows, "elsewhere").label == "Somewhere else or not known"


def test_conversion_by_source(app, december):
    with app.test_request_context():
        rows = reports.conversion(date(2025, 12, 1), date(2025, 12, 31)).by_source
        figures = {r.key: (r.enquiries, r.registrations, r.approvals) for r in rows}
        assert [r.key for r in rows] == [s.value for s in EnquirySource] + ["all", "no_enquiry"]
        assert figures["event"] == (2, 2, 1)
        assert figures["social_media"] == (2, 1, 0)
        assert figures["friend_or_family"] == (1, 1, 0)
        assert figures["press"] == (1, 0, 0)
        assert figures["search_engine"] == (1, 0, 0)
        assert figures["advert"] == (0, 0, 0)
        assert figures["all"] == (7, 4, 1)
        assert figures["no_enquiry"] == (None, 2, 0)
        assert _row(rows, "event").label == "An event or community group"
        assert _row(rows, "social_media").enquiry_to_registration == 50


def test_time_in_each_stage(app, december):
    with app.test_request_context():
        rows = reports.stage_times(date(2025, 12, 1), date(2025, 12, 31), today_london())
        assert [r.key for r in rows] == ["coventry", "solihull", "warwickshire", "worcestershire", "elsewhere", "all"]

        def figures(key, stage):
            times = getattr(_row(rows, key), stage)
            return times.measured, times.average, times.within_percent

        # Warwickshire: 4 and 6 working days; Stage One 59 and 60 days; Stage Two 122 days.
        assert figures("warwickshire", "registration") == (2, 5.0, 50.0)
        assert figures("warwickshire", "stage_one") == (2, 59.5, 50.0)
        assert figures("warwickshire", "stage_two") == (1, 122.0, 100.0)
        # Coventry: declined in 2 working days; its second registration is not decided yet.
        assert figures("coventry", "registration") == (1, 2.0, 100.0)
        assert figures("coventry", "stage_one") == (0, None, None)
        # Worcestershire: 1 working day; withdrawn in Stage One, so Stage One is not measured.
        assert figures("worcestershire", "registration") == (1, 1.0, 100.0)
        assert figures("worcestershire", "stage_one") == (0, None, None)
        assert figures("solihull", "registration") == (0, None, None)
        assert figures("elsewhere", "registration") == (0, None, None)
        assert figures("all", "registration") == (4, 3.25, 75.0)
        assert figures("all", "stage_one") == (2, 59.5, 50.0)
        assert figures("all", "stage_two") == (1, 122.0, 100.0)


def test_a_stage_one_decided_the_day_after_february_ends_is_late(app, december):
    """Accepted on 31 December, Stage One is due on 28 February; 1 March is late."""
    with app.test_request_context():
        application = db.session.scalar(select(Application).where(Application.status == ApplicationStatus.APPROVED))
        application.stage_one_decided_at = at(2026, 3, 1)
        db.session.flush()
        rows = reports.stage_times(date(2025, 12, 1), date(2025, 12, 31), today_london())
        stage_one = _row(rows, "warwickshire").stage_one
        assert (stage_one.measured, stage_one.total_days, stage_one.within) == (2, 60 + 60, 0)
        db.session.rollback()


def test_spoke_scope_shows_one_area(app, december):
    with app.test_request_context():
        coventry = find_authority("coventry").id
        conversion = reports.conversion(date(2025, 12, 1), date(2025, 12, 31), scope=coventry)
        assert [(r.key, r.enquiries, r.registrations) for r in conversion.by_authority] == [
            ("coventry", 3, 2), ("all", 3, 2), ("no_enquiry", None, 0)
        ]
        assert _row(conversion.by_source, "social_media").enquiries == 2
        assert _row(conversion.by_source, "event").enquiries == 0
        times = reports.stage_times(date(2025, 12, 1), date(2025, 12, 31), today_london(), scope=coventry)
        assert [r.key for r in times] == ["coventry", "all"]
        assert times[1].registration.measured == 1


def test_an_empty_period_divides_by_nothing(app, demo):
    with app.test_request_context():
        conversion = reports.conversion(date(2020, 1, 1), date(2020, 1, 31))
        total = _row(conversion.by_authority, "all")
        assert (total.enquiries, total.enquiry_to_registration, total.registration_to_approval) == (0, None, None)
        times = reports.stage_times(date(2020, 1, 1), date(2020, 1, 31), today_london())
        assert times[-1].registration.average is None and times[-1].stage_two.within_percent is None


def test_a_partner_that_left_still_shows_while_it_has_figures(app, december):
    with app.test_request_context():
        worcestershire = find_authority("worcestershire")
        worcestershire.active = False
        solihull = find_authority("solihull")
        solihull.active = False
        db.session.flush()
        conversion = reports.conversion(date(2025, 12, 1), date(2025, 12, 31))
        keys = [r.key for r in conversion.by_authority]
        # Solihull had an enquiry; Worcestershire had none (its registration had no enquiry).
        assert "solihull" in keys and "worcestershire" not in keys
        times = reports.stage_times(date(2025, 12, 1), date(2025, 12, 31), today_london())
        assert "worcestershire" in [r.key for r in times]
        db.session.rollback()


def test_a_source_no_longer_offered_is_still_counted(app, demo):
    with app.test_request_context():
        _enquiry("old@people.example", None, "radio_2019", at(2025, 12, 5))
        rows = reports.conversion(date(2025, 12, 1), date(2025, 12, 31)).by_source
        assert _row(rows, "radio_2019").enquiries == 1
        assert _row(rows, "all").enquiries == 1
        db.session.rollback()


def test_period_helpers():
    assert reports.financial_quarter(date(2026, 11, 25)) == (date(2026, 10, 1), date(2026, 12, 31))
    assert reports.financial_quarter(date(2026, 4, 1)) == (date(2026, 4, 1), date(2026, 6, 30))
    assert reports.financial_quarter(date(2026, 9, 30)) == (date(2026, 7, 1), date(2026, 9, 30))
    assert reports.financial_quarter(date(2027, 1, 1)) == (date(2027, 1, 1), date(2027, 3, 31))
    assert reports.financial_quarter(date(2027, 3, 31)) == (date(2027, 1, 1), date(2027, 3, 31))
    # London midnight in summer is 23:00 UTC the day before.
    assert reports.period_bounds(date(2026, 7, 1), date(2026, 7, 31)) == (
        datetime(2026, 6, 30, 23, tzinfo=UTC), datetime(2026, 7, 31, 23, tzinfo=UTC)
    )
    assert reports.percent(1, 3) == pytest.approx(33.333, abs=0.001)
    assert reports.percent(0, 0) is None


# ---------------------------------------------------------------------------------------------------
# The page


def _table(page, caption_id: str) -> dict[str, list[str]]:
    table = next(t for t in page.find_all("table") if any(c.get("id") == caption_id for c in t.iter("caption")))
    return {
        row.get("data-row"): [page.text(cell) for cell in row if cell.tag in {"th", "td"}]
        for row in table.iter("tr")
        if row.get("data-row")
    }


def test_the_report_page_shows_the_figures(app, december, manager_client):
    response = manager_client.get(URL, query_string=DECEMBER)
    assert response.status_code == 200
    page = manager_client.last_page
    assert page.h1 == "Recruitment report"
    areas = _table(page, "authority-caption")
    assert areas["coventry"] == ["Coventry", "3", "2", "0", "66.7%", "0.0%"]
    assert areas["solihull"] == ["Solihull", "1", "0", "0", "0.0%", "Not applicable"]
    assert areas["all"] == ["All enquiries", "7", "4", "1", "57.1%", "25.0%"]
    assert areas["no_enquiry"] == ["No earlier enquiry", "Not applicable", "2", "0", "Not applicable", "0.0%"]
    sources = _table(page, "source-caption")
    assert sources["event"] == ["An event or community group", "2", "2", "1", "100.0%", "50.0%"]
    assert _table(page, "registration-caption")["all"] == ["All areas", "4", "3.2", "75.0%"]  # 3.25, rounded half to even
    assert _table(page, "stage-one-caption")["warwickshire"] == ["Warwickshire", "2", "59.5", "50.0%"]
    assert _table(page, "stage-two-caption")["warwickshire"] == ["Warwickshire", "1", "122.0", "100.0%"]
    # The same decisions by how the applicants heard about us: the two from events are the
    # Christmas ones (4 and 6 working days), and the totals agree with the areas' table.
    by_source = _table(page, "source-registration-caption")
    assert by_source["event"] == ["An event or community group", "2", "5.0", "50.0%"]
    assert by_source["social_media"] == ["Social media", "1", "2.0", "100.0%"]
    assert by_source["no_enquiry"] == ["No earlier enquiry", "1", "1.0", "100.0%"]
    assert by_source["all"][1:] == _table(page, "registration-caption")["all"][1:]
    assert len(page.by_class("app-table-container")) == 8
    assert 'href="/staff/reports/adopters/export.csv?from=2025-12-01&amp;to=2025-12-31"' in page.html
    with app.app_context():
        event_ = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "adopter_report_viewed"))
        assert event_.object_id == "2025-12-01/2025-12-31"


def test_the_report_starts_with_this_quarter_of_the_financial_year(app, manager_client):
    first, last = reports.financial_quarter(today_london())
    assert manager_client.get(URL).status_code == 200
    html = manager_client.last_page.html
    assert f'value="{first.isoformat()}"' in html and f'value="{last.isoformat()}"' in html
    assert 'type="date"' in html


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"from": "2025-13-01", "to": "2025-12-31"}, "from", "Enter a real date between the years 2000 and 2100"),
        ({"from": "yesterday", "to": "2025-12-31"}, "from", "Enter a real date between the years 2000 and 2100"),
        ({"from": "1999-12-31", "to": "2025-12-31"}, "from", "Enter a real date between the years 2000 and 2100"),
        ({"from": "2025-12-01", "to": "9999-12-31"}, "to", "Enter a real date between the years 2000 and 2100"),
        ({"from": "2025-12-01", "to": "x" * 5000}, "to", "Enter a real date between the years 2000 and 2100"),
        ({"from": "2025-12-01", "to": "2025-11-30"}, "to", "The last day must be the same as or after the first day"),
        ({"from": "2025-12-01"}, "to", "Enter the last day of the period"),
        ({"to": "2025-12-01"}, "from", "Enter the first day of the period"),
    ],
)
def test_a_wrong_period_says_what_is_wrong(manager_client, query, field, message):
    for url in (URL, CSV_URL):
        response = manager_client.get(url, query_string=query)
        assert response.status_code == 400
        page = manager_client.last_page
        assert page.title.startswith("Error: ")
        assert f'href="#{field}"' in page.html
        assert any(message in page.text(e) for e in page.by_class("govuk-error-message"))
        assert not page.find_all("table")
        # A date input holds only a real date: anything else is shown back empty.
        for name in ("from", "to"):
            value = query.get(name, "")
            real = value in {"1999-12-31", "9999-12-31", "2025-12-01", "2025-11-30", "2025-12-31"}
            assert f'name="{name}" type="date" value="{value if real else ""}"' in page.html


def test_a_one_day_period_is_fine(manager_client):
    assert manager_client.get(URL, query_string={"from": "2025-12-01", "to": "2025-12-01"}).status_code == 200


# ---------------------------------------------------------------------------------------------------
# The spreadsheet


def _csv(response) -> list[list[str]]:
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_the_export_holds_the_same_figures(app, december, manager_client):
    response = manager_client.get(CSV_URL, query_string=DECEMBER)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="adopter-report-2025-12-01-to-2025-12-31.csv"'
    )
    rows = _csv(response)
    assert rows[0] == ["Recruitment report", "Start of period", "2025-12-01", "End of period", "2025-12-31"]
    assert ["Coventry", "3", "2", "0", "66.7", "0.0"] in rows
    assert ["No earlier enquiry", "", "2", "0", "", "0.0"] in rows
    assert ["An event or community group", "2", "2", "1", "100.0", "50.0"] in rows
    start = rows.index(["Registration decision"])
    assert rows[start + 1] == ["Council area", "Decided", "Average working days", "Within 5 working days (%)"]
    assert ["All areas", "4", "3.2", "75.0"] in rows[start:]
    stage_two = rows.index(["Stage Two"])
    assert rows[stage_two + 2 :][2] == ["Warwickshire", "1", "122.0", "100.0"]
    with app.app_context():
        actions = list(db.session.scalars(select(AuditEvent.action).where(AuditEvent.object_type == "adopter_report")))
        assert actions == ["adopter_report_exported"]


def test_the_export_cannot_carry_a_formula(app, demo, manager_client):
    with app.test_request_context():
        add_authority("=HYPERLINK(\"http://evil.example\")")
        _enquiry("formula@people.example", None, "+cmd|' /C calc'!A0", at(2025, 12, 5))
        db.session.commit()
    rows = _csv(manager_client.get(CSV_URL, query_string=DECEMBER))
    cells = [cell for row in rows for cell in row]
    assert "'=HYPERLINK(\"http://evil.example\")" in cells
    assert "'+cmd|' /C calc'!A0" in cells
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells)


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_every_formula_start_is_quoted(start):
    assert safe_cell(f"{start}1+1") == f"'{start}1+1"
    assert safe_cell("Plain words") == "Plain words"
    assert safe_cell(None) == ""
    assert safe_cell(3) == "3"


# ---------------------------------------------------------------------------------------------------
# Who may see it


def test_staff_without_a_report_role_are_refused(spoke_client, staff_client, admin_client):
    for client in (spoke_client, staff_client, admin_client):
        assert client.get(URL).status_code == 403
        assert client.get(CSV_URL).status_code == 403


def test_a_performance_officer_may_see_it(app, demo):
    with app.app_context():
        create_staff("performance@ace.example", "Performance officer", DEMO_PASSWORD, totp_secret=DEMO_TOTP_SECRET,
                     roles=[StaffRole.PERFORMANCE_OFFICER])
        db.session.commit()
    client = sign_in_staff(app, "performance@ace.example")
    assert client.get(URL).status_code == 200
    assert client.get(CSV_URL).status_code == 200


def test_a_spoke_performance_officer_sees_their_area_only(app, december):
    with app.app_context():
        create_staff("coventry.performance@ace.example", "Coventry performance", DEMO_PASSWORD,
                     totp_secret=DEMO_TOTP_SECRET, roles=[StaffRole.PERFORMANCE_OFFICER],
                     authority_id=find_authority("coventry").id)
        db.session.commit()
    client = sign_in_staff(app, "coventry.performance@ace.example")
    client.get(URL, query_string=DECEMBER)
    areas = _table(client.last_page, "authority-caption")
    assert list(areas) == ["coventry", "all", "no_enquiry"]


# ---------------------------------------------------------------------------------------------------
# Queries do not grow with the data


def _population(app: Flask, size: int, offset: int) -> None:
    """``size`` enquiries, each with an application accepted and through Stage One, in December."""
    sources = list(EnquirySource)
    areas = ["coventry", "solihull", "warwickshire", "worcestershire", None]
    for n in range(offset, offset + size):
        make_account(app, email=f"crowd{n}@people.example")
    with app.test_request_context():
        for n in range(offset, offset + size):
            email = f"crowd{n}@people.example"
            _enquiry(email, areas[n % 5], sources[n % len(sources)], at(2025, 12, 1 + n % 20))
            application = registration.start_registration(_user(email), joint=False)
            for section, answers in household_answers(areas[n % 5] or "").items():
                registration.save_household_section(application, section, answers)
            for section, answers in applicant_answers("Crowd").items():
                registration.save_applicant_section(application.applicants[0], section, answers)
            registration.sign_registration(application.applicants[0], "Crowd", "Declaration")
            application.submitted_at = at(2025, 12, 1 + n % 20)
            _accept(application, at(2025, 12, 2 + n % 20))
            _finish_stage_one(application, at(2026, 2, 1 + n % 20))
        db.session.commit()


def _queries(app: Flask, work) -> int:
    statements: list[str] = []

    def note(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
        event.listen(engine, "before_cursor_execute", note)
        try:
            work()
        finally:
            event.remove(engine, "before_cursor_execute", note)
    return len(statements)


def _count_report_queries(app: Flask, client) -> tuple[int, int, int]:
    def direct() -> None:
        with app.test_request_context():
            reports.conversion(date(2025, 12, 1), date(2025, 12, 31))
            reports.stage_times(date(2025, 12, 1), date(2025, 12, 31), today_london())

    return (
        _queries(app, direct),
        _queries(app, lambda: client.get(URL, query_string=DECEMBER)),
        _queries(app, lambda: client.get(CSV_URL, query_string=DECEMBER)),
    )


def test_the_number_of_queries_does_not_grow_with_the_applications(app, manager_client):
    _population(app, 1, 0)
    with_one = _count_report_queries(app, manager_client)
    _population(app, 19, 1)
    with_twenty = _count_report_queries(app, manager_client)
    assert with_one == with_twenty
    assert with_one[0] == 5  # authorities twice, enquiry counts, registrations without one, applications
    with app.test_request_context():
        total = _row(reports.stage_times(date(2025, 12, 1), date(2025, 12, 31), today_london()), "all")
        assert total.stage_one.measured == 20
