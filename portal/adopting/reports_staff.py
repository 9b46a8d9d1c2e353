"""The recruitment report: enquiry to registration to approval, and time in each stage."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import date

from flask import Blueprint, Response, render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from portal.accounts.rules import scope_of
from portal.adopting import application_models  # noqa: F401  (the tables exist wherever the blueprint does)
from portal.adopting import reports
from portal.adopting.roles import REPORT_ROLES
from portal.adopting.training_forms import PeriodForm
from portal.core import audit
from portal.core.access import staff_with
from portal.core.timescales import today_london

bp = Blueprint("adopter_reports", __name__, url_prefix="/staff/reports/adopters")

# Spreadsheets run a cell starting with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _period() -> tuple[PeriodForm, tuple[date, date] | None]:
    """The period from the query string; the current quarter of the financial year when none is
    given."""
    args: MultiDict[str, str] = request.args
    if not args.get("from") and not args.get("to"):
        start, end = reports.financial_quarter(today_london())
        args = MultiDict({"from": start.isoformat(), "to": end.isoformat()})
    form = PeriodForm(formdata=args)
    if not form.validate():
        return form, None
    start_day, end_day = form.start.parsed(), form.end.parsed()
    assert start_day is not None and end_day is not None
    return form, (start_day, end_day)


def _render(form: PeriodForm, period: tuple[date, date] | None, status: int) -> tuple[str, int]:
    conversion = times = times_by_source = None
    if period is not None:
        scope = scope_of(current_user)
        conversion = reports.conversion(*period, scope=scope)
        times = reports.stage_times(*period, today_london(), scope=scope)
        times_by_source = reports.stage_times_by_source(*period, today_london(), scope=scope)
    return (
        render_template(
            "adopting/staff-adopter-report.html",
            form=form,
            period=period,
            conversion=conversion,
            times=times,
            times_by_source=times_by_source,
        ),
        status,
    )


@bp.get("/")
@staff_with(REPORT_ROLES)
def adopter_report() -> tuple[str, int]:
    form, period = _period()
    if period is None:
        return _render(form, None, 400)
    audit.record("adopter_report_viewed", "adopter_report", _object_id(period))
    return _render(form, period, 200)


def _object_id(period: tuple[date, date]) -> str:
    return f"{period[0].isoformat()}/{period[1].isoformat()}"


def safe_cell(value: object) -> str:
    """A cell as text a spreadsheet shows rather than runs."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def _figure(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"


def _csv_rows(period: tuple[date, date], scope: int | None) -> Iterable[list[object]]:
    conversion = reports.conversion(*period, scope=scope)
    times = reports.stage_times(*period, today_london(), scope=scope)
    times_by_source = reports.stage_times_by_source(*period, today_london(), scope=scope)
    yield [_("Recruitment report"), _("Start of period"), period[0].isoformat(), _("End of period"), period[1].isoformat()]
    conversion_head = [
        _("Enquiries"),
        _("Registrations of interest"),
        _("Approved"),
        _("Enquiry to registration (%)"),
        _("Registration to approval (%)"),
    ]
    for heading, rows in (
        (_("Conversion by council area"), conversion.by_authority),
        (_("Conversion by how people heard about us"), conversion.by_source),
    ):
        yield []
        yield [heading]
        yield [_("Group"), *conversion_head]
        for row in rows:
            yield [
                row.label,
                "" if row.enquiries is None else row.enquiries,
                row.registrations,
                row.approvals,
                _figure(row.enquiry_to_registration),
                _figure(row.registration_to_approval),
            ]
    for heading, unit, target, stage in (
        (_("Registration decision"), _("Average working days"), _("Within 5 working days (%)"), "registration"),
        (_("Stage One"), _("Average calendar days"), _("Within 2 months (%)"), "stage_one"),
        (_("Stage Two"), _("Average calendar days"), _("Within 4 months (%)"), "stage_two"),
    ):
        for group, grouped in ((_("Council area"), times), (_("How they heard about us"), times_by_source)):
            yield []
            yield [heading]
            yield [group, _("Decided"), unit, target]
            for times_row in grouped:
                figures: reports.StageTimes = getattr(times_row, stage)
                yield [times_row.label, figures.measured, _figure(figures.average), _figure(figures.within_percent)]


@bp.get("/export.csv")
@staff_with(REPORT_ROLES)
def export_adopter_report() -> Response | tuple[str, int]:
    form, period = _period()
    if period is None:
        return _render(form, None, 400)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in _csv_rows(period, scope_of(current_user)):
        writer.writerow([safe_cell(cell) for cell in row])
    audit.record("adopter_report_exported", "adopter_report", _object_id(period))
    name = f"adopter-report-{period[0].isoformat()}-to-{period[1].isoformat()}.csv"
    # The byte order mark lets spreadsheet programs read the file as UTF-8 (Welsh, Urdu, Punjabi).
    return Response(
        "\ufeff" + buffer.getvalue(),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
