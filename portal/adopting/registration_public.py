"""The registration of interest, for account holders: a task list of household and personal
sections saved as they go, a second applicant invited to complete and sign their own part, check
answers, and an e-signature per applicant."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.wrappers import Response

from portal.accounts.models import PublicUser
from portal.adopting import application_rules as rules
from portal.adopting import registration_rules as registration
from portal.adopting.application_models import Applicant, Application, ApplicationStatus
from portal.adopting.registration_forms import (
    DECLARATIONS,
    MAX_OTHERS,
    SECTION_FORMS,
    HomeForm,
    HouseholdForm,
    InviteForm,
    JoinForm,
    JointHouseholdForm,
    SectionForm,
    SignForm,
    StartForm,
)
from portal.adopting.registration_presenters import PARTNER_SECTION_TITLES, SECTION_TITLES, section_rows
from portal.agency.rules import list_authorities
from portal.core.access import account

bp = Blueprint("registration_public", __name__, url_prefix="/my-application/registration")

Page = str | Response | tuple[str, int]

# URL segments are kebab-case; the rules name sections in snake_case.
SLUGS = {section: section.replace("_", "-") for section in (*registration.HOUSEHOLD_SECTIONS, *registration.APPLICANT_SECTIONS)}
SECTIONS = {slug: section for section, slug in SLUGS.items()}

NOT_ALLOWED = {
    "already_applying": _l("You already have an application that is still open, so you cannot start or join another."),
    "already_joined": _l("Your partner has already joined this application."),
    "already_applicant": _l("You are already an applicant on this application."),
    "not_complete": _l("Some parts of the registration are not finished yet. Finish them before you sign."),
    "no_name": _l("Type your full name to sign"),
}
SENT_ALREADY = _l("Your registration has been sent, so it can no longer be changed.")


def _me() -> PublicUser:
    user: PublicUser = current_user._get_current_object()
    return user


def _open_application() -> Application | None:
    application = rules.current_application(_me())
    if application is None or application.status in rules.FINAL:
        return None
    return application


def _application_page() -> Response:
    return redirect(url_for("application_public.view_application"))


def _draft() -> tuple[Application, Applicant] | Response:
    """The person's registration being filled in, and their part of it; anyone else is sent where
    they belong: to start one, or to their application once it has been sent."""
    application = _open_application()
    if application is None:
        return redirect(url_for("registration_public.start_registration"))
    if application.status != ApplicationStatus.DRAFT:
        return _application_page()
    applicant = rules.applicant_of(_me(), application)
    if applicant is None:  # cannot happen: current_application found it through this person's part
        abort(404)
    return application, applicant


def _refused(error: rules.NotAllowed | rules.IllegalMove) -> Response:
    if isinstance(error, rules.NotAllowed):
        flash(str(NOT_ALLOWED.get(error.reason, _l("That could not be done. Try again."))), "important")
        return redirect(url_for("registration_public.task_list"))
    flash(str(SENT_ALREADY), "important")
    return _application_page()


def _authorities() -> list[tuple[str, str]]:
    return [(a.slug, a.name) for a in list_authorities()]


def _other(application: Application, applicant: Applicant) -> Applicant | None:
    return next((a for a in application.applicants if a.position != applicant.position), None)


# ---------------------------------------------------------------------------------------------------
# Starting, and the task list


@bp.route("/start", methods=["GET", "POST"])
@account
def start_registration() -> Page:
    application = _open_application()
    if application is not None:
        if application.status == ApplicationStatus.DRAFT:
            return redirect(url_for("registration_public.task_list"))
        return _application_page()
    form = StartForm()
    if form.validate_on_submit():
        try:
            registration.start_registration(_me(), form.joint.data == "joint")
        except rules.NotAllowed as error:  # started in another tab a moment ago
            return _refused(error)
        return redirect(url_for("registration_public.task_list"))
    return render_template("adopting/registration-start.html", form=form)


def _status(done: bool) -> dict[str, Any]:
    if done:
        return {"text": _l("Completed")}
    return {"tag": {"text": _l("Incomplete"), "classes": "govuk-tag--blue"}}


def _other_status(done: bool) -> dict[str, Any]:
    if done:
        return {"text": _l("Completed")}
    return {"tag": {"text": _l("Not yet started"), "classes": "govuk-tag--grey"}}


def _invite_status(other: Applicant | None) -> Any:
    if other is None:
        return _l("Not invited")
    if other.public_user_id is None:
        return _l("Invited")
    return _l("Joined")


@bp.get("/")
@account
def task_list() -> Page:
    found = _draft()
    if isinstance(found, Response):
        return found
    application, me = found
    other = _other(application, me)
    missing = registration.missing_sections(application)
    household = [(s, s in application.completed_sections) for s in registration.HOUSEHOLD_SECTIONS]
    mine = [(s, s in me.completed_sections) for s in registration.APPLICANT_SECTIONS]
    theirs = [(s, other is not None and s in other.completed_sections) for s in registration.APPLICANT_SECTIONS]
    return render_template(
        "adopting/registration-task-list.html",
        application=application,
        me=me,
        other=other,
        household=household,
        mine=mine,
        theirs=theirs,
        missing=missing,
        titles=SECTION_TITLES,
        partner_titles=PARTNER_SECTION_TITLES,
        slugs=SLUGS,
        status=_status,
        other_status=_other_status,
        invite_status=_invite_status(other),
        done_count=sum(done for _s, done in household + mine),
        task_count=len(household) + len(mine),
    )


# ---------------------------------------------------------------------------------------------------
# The sections


def _stored(form_class: type[SectionForm], answers: dict[str, Any]) -> dict[str, Any]:
    """Stored answers as a form's starting values (dates as dates, repeated groups as fields)."""
    values = dict(answers)
    for key in ("date_of_birth",):
        if values.get(key):
            values[key] = date.fromisoformat(values[key])
    if issubclass(form_class, HouseholdForm):
        for number, person in enumerate(values.pop("others", None) or [], start=1):
            values[f"other_{number}_name"] = person.get("name")
            values[f"other_{number}_relationship"] = person.get("relationship")
            values[f"other_{number}_born"] = date.fromisoformat(person["born"]) if person.get("born") else None
    return values


def _rows_to_show(form: HouseholdForm, adding: bool) -> int:
    filled = max((n for n in range(1, MAX_OTHERS + 1) if form.row_filled(n)), default=0)
    try:
        asked = int(form.rows.data or 0)
    except ValueError:
        asked = 0
    return max(1, min(MAX_OTHERS, max(filled, asked) + (1 if adding else 0)))


@bp.route("/<section_slug>", methods=["GET", "POST"])
@account
def edit_section(section_slug: str) -> Page:
    section = SECTIONS.get(section_slug)
    if section is None:
        abort(404)
    found = _draft()
    if isinstance(found, Response):
        return found
    application, me = found
    household = section in registration.HOUSEHOLD_SECTIONS
    form_class = SECTION_FORMS[section]
    if form_class is HouseholdForm and application.joint:
        form_class = JointHouseholdForm
    stored = (application.answers if household else me.answers).get(section) or {}
    if section == "about_you" and not stored:
        # What the account already knows need not be typed again.
        stored = {"full_name": _me().name or "", "phone": _me().phone or ""}
    form = form_class(data=_stored(form_class, stored))
    if isinstance(form, HomeForm):
        form.set_authorities(_authorities())
    adding = isinstance(form, HouseholdForm) and request.method == "POST" and "add_another" in request.form
    if not adding and form.validate_on_submit():
        try:
            if household:
                registration.save_household_section(application, section, form.answers())
            else:
                registration.save_applicant_section(me, section, form.answers())
        except rules.IllegalMove as error:
            return _refused(error)
        return redirect(url_for("registration_public.task_list"))
    rows = _rows_to_show(form, adding) if isinstance(form, HouseholdForm) else 0
    if isinstance(form, HouseholdForm):
        form.rows.data = str(rows)
    template = "household" if isinstance(form, HouseholdForm) else "section"
    return render_template(
        f"adopting/registration-{template}.html",
        form=form,
        section=section,
        title_text=SECTION_TITLES[section],
        household=household,
        joint=application.joint,
        rows=rows,
        max_rows=MAX_OTHERS,
        fields=[f for f in form if f.name not in {"csrf_token", "submit", "rows"}],
    )


# ---------------------------------------------------------------------------------------------------
# The second applicant


@bp.route("/second-applicant", methods=["GET", "POST"])
@account
def invite_second_applicant() -> Page:
    found = _draft()
    if isinstance(found, Response):
        return found
    application, me = found
    if not application.joint or me.position != 1:
        abort(404)
    other = _other(application, me)
    if other is not None and other.public_user_id is not None:
        return redirect(url_for("registration_public.task_list"))
    form = InviteForm()
    if form.validate_on_submit():
        if form.email.data.lower() == (_me().email or "").lower():
            form.email.errors = [str(_l("Enter your partner's email address, not your own"))]
        else:
            try:
                registration.invite_second_applicant(application, form.email.data, language=_me().preferred_language)
            except (rules.NotAllowed, rules.IllegalMove) as error:
                return _refused(error)
            flash(str(_l("We have sent your partner an email with a link to join this application.")), "success")
            return redirect(url_for("registration_public.task_list"))
    return render_template("adopting/registration-invite.html", form=form, invited=other is not None)


def _link_not_valid() -> tuple[str, int]:
    return render_template("adopting/registration-link-not-valid.html"), 404


@bp.route("/join/<token>", methods=["GET", "POST"])
@account
def join_application(token: str) -> Page:
    if len(token) > 100:
        return _link_not_valid()
    invitation = registration.find_invitation(token)
    if invitation is None:
        return _link_not_valid()
    application = invitation.application
    if rules.applicant_of(_me(), application) is not None:
        # The first applicant trying their own link: they are on it already.
        return redirect(url_for("registration_public.task_list"))
    form = JoinForm()
    problem = None
    if form.validate_on_submit():
        try:
            registration.join_application(_me(), token)
        except rules.NotAllowed as error:
            if error.reason == "invitation_not_found":
                return _link_not_valid()
            problem = NOT_ALLOWED.get(error.reason)
        else:
            flash(str(_l("You have joined the application. Now complete your own part.")), "success")
            return redirect(url_for("registration_public.task_list"))
    return render_template(
        "adopting/registration-join.html", form=form, reference=application.reference, problem=problem
    )


# ---------------------------------------------------------------------------------------------------
# Check, sign and send


def _missing_items(application: Application, me: Applicant) -> list[dict[str, Any]]:
    """What is still to do, in words, each with a link if this person can do it."""
    items = []
    for item in registration.missing_sections(application):
        section, _sep, position = item.partition(":")
        if section == "join":
            text = _l("Your partner has not joined the application yet")
            href = url_for("registration_public.invite_second_applicant") if me.position == 1 else None
        elif not position or int(position) == me.position:
            text = SECTION_TITLES[section]
            href = url_for("registration_public.edit_section", section_slug=SLUGS[section])
        else:
            text = _l("Your partner has not finished: %(section)s", section=PARTNER_SECTION_TITLES[section])
            href = None
        items.append({"text": text, "href": href})
    return items


@bp.get("/check")
@account
def check_answers() -> Page:
    found = _draft()
    if isinstance(found, Response):
        return found
    application, me = found
    names = dict(_authorities())
    sections = [
        (s, section_rows(s, application.answers[s], names))
        for s in registration.HOUSEHOLD_SECTIONS
        if s in application.completed_sections
    ]
    sections += [
        (s, section_rows(s, me.answers[s], names)) for s in registration.APPLICANT_SECTIONS if s in me.completed_sections
    ]
    other = _other(application, me)
    return render_template(
        "adopting/registration-check.html",
        application=application,
        sections=sections,
        titles=SECTION_TITLES,
        partner_titles=PARTNER_SECTION_TITLES,
        slugs=SLUGS,
        other=other,
        theirs=[(s, other is not None and s in other.completed_sections) for s in registration.APPLICANT_SECTIONS],
        missing=_missing_items(application, me),
    )


def _same_name(typed: str, given: str) -> bool:
    return "".join(typed.split()).casefold() == "".join(given.split()).casefold()


@bp.route("/sign", methods=["GET", "POST"])
@account
def sign_registration() -> Page:
    application = _open_application()
    if application is not None and application.status == ApplicationStatus.SUBMITTED and request.method == "POST":
        # A second press of "Sign and send" after the first one sent it.
        return redirect(url_for("registration_public.registration_sent"))
    found = _draft()
    if isinstance(found, Response):
        return found
    application, me = found
    if me.signed_at is not None:
        return redirect(url_for("registration_public.task_list"))
    if registration.missing_sections(application):
        return redirect(url_for("registration_public.check_answers"))
    declaration = DECLARATIONS[registration.DECLARATION_VERSION]
    form = SignForm()
    if form.validate_on_submit():
        given = str((me.answers.get("about_you") or {}).get("full_name", ""))
        if not _same_name(form.full_name.data, given):
            form.full_name.errors = [str(_l("Type your full name as you gave it in About you"))]
        else:
            try:
                sent = registration.sign_registration(me, form.full_name.data, str(declaration))
            except (rules.NotAllowed, rules.IllegalMove) as error:
                return _refused(error)
            if sent:
                return redirect(url_for("registration_public.registration_sent"))
            return redirect(url_for("registration_public.task_list"))
    return render_template(
        "adopting/registration-sign.html", form=form, declaration=declaration, joint=application.joint
    )


@bp.get("/sent")
@account
def registration_sent() -> Page:
    application = _open_application()
    if application is None:
        return redirect(url_for("registration_public.start_registration"))
    if application.status == ApplicationStatus.DRAFT:
        return redirect(url_for("registration_public.task_list"))
    if application.status != ApplicationStatus.SUBMITTED:
        return _application_page()
    return render_template("adopting/registration-sent.html", application=application)
