"""The public side of requests: choose a kind, answer three short pages, check, send, and follow it.

Answers are kept in a server-side draft between pages (an account holder's belongs to their
account, so signing out and back in loses nothing). Every page of these journeys carries "Exit this
page", because some people asking for help live with someone who must not know.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from portal.agency.rules import find_authority, list_authorities
from portal.core import drafts
from portal.core.access import account, is_account_holder, public
from portal.extensions import limiter
from portal.requests import (
    models,  # noqa: F401  (the tables exist wherever the blueprint does)
    rules,
)
from portal.requests.forms import (
    DETAILS_FORMS,
    AboutYouForm,
    AboutYouWithBirthDateForm,
    ClaimForm,
    ContactForm,
    MessageForm,
    SendRequestForm,
    date_to_draft,
)
from portal.requests.models import RequestKind, ServiceRequest
from portal.requests.presenters import KIND_LABELS, STATUS_LABELS, request_data, rows

bp = Blueprint("requests_public", __name__, url_prefix="/requests")

SENT = "request_sent"

# URL segments: the kind's value with hyphens, as every other URL here is kebab-case.
KINDS = {kind.value.replace("_", "-"): kind for kind in RequestKind}
PAGES = ["about-you", "details", "contact"]
TEMPLATES = {page: f"requests/request-{page}.html" for page in PAGES}
# Answers kept as form fields in the draft but not sent as the request's answers.
NOT_ANSWERS = {"csrf_token", "submit"}



def _slug(kind: RequestKind) -> str:
    return kind.value.replace("_", "-")


def _kind(slug: str) -> RequestKind:
    kind = KINDS.get(slug)
    if kind is None:
        abort(404)
    return kind


def _draft(kind: RequestKind) -> str:
    return f"request-{kind.value}"


def _form_class(kind: RequestKind, page: str) -> type[FlaskForm]:
    if page == "about-you":
        return AboutYouWithBirthDateForm if kind == RequestKind.BIRTH_RECORDS else AboutYouForm
    if page == "details":
        return DETAILS_FORMS[kind]
    return ContactForm


def _build(kind: RequestKind, page: str, **kwargs: Any) -> FlaskForm:
    form = _form_class(kind, page)(**kwargs)
    if isinstance(form, AboutYouForm):
        form.set_kind(kind)
    elif isinstance(form, ContactForm):
        form.set_languages(current_app.config["LOCALES"])
    else:
        form.set_authorities([(a.slug, a.name) for a in list_authorities()])  # type: ignore[attr-defined]
    return form


def _answers(form: FlaskForm) -> dict[str, Any]:
    """A page's answers in the draft's (JSON) shape: dates as ISO text."""
    out: dict[str, Any] = {}
    for name, field in form._fields.items():
        if name in NOT_ANSWERS:
            continue
        out[name] = date_to_draft(field.data) if isinstance(field.data, date) or name == "date_of_birth" else field.data
    return out


def _object_data(data: dict[str, Any]) -> dict[str, Any]:
    """The draft as a form's starting values (a date field wants a date)."""
    values = dict(data)
    if values.get("date_of_birth"):
        values["date_of_birth"] = date.fromisoformat(values["date_of_birth"])
    return values


def _formdata(data: dict[str, Any]) -> MultiDict[str, Any]:
    """The draft as if it had been posted, so a page's own checks can say whether it is complete."""
    formdata: MultiDict[str, Any] = MultiDict()
    for key, value in data.items():
        if key == "date_of_birth" and value:
            born = date.fromisoformat(value)
            for part in (born.day, born.month, born.year):
                formdata.add(key, str(part))
            continue
        for item in value if isinstance(value, list) else [value]:
            if item is not None:
                formdata.add(key, item)
    return formdata


def _first_incomplete(kind: RequestKind, data: dict[str, Any]) -> str | None:
    formdata = _formdata(data)
    for page in PAGES:
        form = _build(kind, page, formdata=formdata, meta={"csrf": False})
        if not form.validate():
            return page
    return None


def _prefill(page: str, data: dict[str, Any]) -> dict[str, Any]:
    """An account holder's profile fills what they have not answered yet."""
    if not is_account_holder():
        return data
    user = current_user
    profile: dict[str, Any] = {}
    if page == "about-you":
        profile = {"full_name": user.name}
    elif page == "contact":
        profile = {
            "email": user.email or "",
            "phone": user.phone or "",
            "preferred_language": user.preferred_language,
            "communication_needs": list(user.communication_needs or []),
            "interpreter_language": user.interpreter_language,
            "communication_other": user.communication_other,
        }
    return {**{k: v for k, v in profile.items() if v}, **{k: v for k, v in data.items() if v not in (None, "", [])}}


def _details(kind: RequestKind, data: dict[str, Any]) -> rules.RequestDetails:
    needs = list(data.get("communication_needs") or [])
    born = data.get("date_of_birth")
    return rules.RequestDetails(
        kind=kind,
        full_name=data["full_name"],
        email=data.get("email") or "",
        phone=data.get("phone") or "",
        date_of_birth=date.fromisoformat(born) if born else None,
        relation=data["relation"],
        authority=find_authority(data["authority"]),
        answers={key: data.get(key) or "" for key in rules.ANSWER_KEYS[kind]},
        contact_methods=list(data.get("contact_methods") or []),
        safe_contact=list(data.get("safe_contact") or []),
        safe_times=data.get("safe_times") or "",
        preferred_language=data.get("preferred_language") or "en",
        communication_needs=needs,
        interpreter_language=(data.get("interpreter_language") or "") if "interpreter" in needs else "",
        communication_other=(data.get("communication_other") or "") if "other" in needs else "",
    )


# ---------------------------------------------------------------------------------------------------
# Making a request


@bp.get("")
@public
def start() -> str:
    return render_template(
        "requests/request-start.html",
        kinds=[(_slug(kind), kind, label) for kind, label in KIND_LABELS.items()],
        signed_in=is_account_holder(),
    )


@bp.route("/<kind_slug>/<page>", methods=["GET", "POST"])
@public
def request_question(kind_slug: str, page: str) -> str | Response:
    kind = _kind(kind_slug)
    if page not in PAGES:
        abort(404)
    name = _draft(kind)
    data = drafts.load(name)
    form = _build(kind, page, data=_object_data(_prefill(page, data)))
    if form.validate_on_submit():
        drafts.save(name, _answers(form))
        following = _first_incomplete(kind, {**data, **_answers(form)})
        if following is None:
            return redirect(url_for("requests_public.check_request", kind_slug=kind_slug))
        return redirect(url_for("requests_public.request_question", kind_slug=kind_slug, page=following))
    index = PAGES.index(page)
    back = (
        url_for("requests_public.request_question", kind_slug=kind_slug, page=PAGES[index - 1])
        if index
        else url_for("requests_public.start")
    )
    return render_template(
        TEMPLATES[page], form=form, back=back, step=index + 1, steps=len(PAGES), kind=kind, kind_label=KIND_LABELS[kind]
    )


def _sent(kind: RequestKind, sent: ServiceRequest, code: str | None) -> Response:
    session[SENT] = {"kind": kind.value, "reference": sent.reference, "code": code}
    return redirect(url_for("requests_public.request_sent", kind_slug=_slug(kind)))


@bp.route("/<kind_slug>/check-answers", methods=["GET", "POST"])
@public
def check_request(kind_slug: str) -> str | Response:
    kind = _kind(kind_slug)
    name = _draft(kind)
    key = drafts.token_for(name)
    data = drafts.load(name)
    if key and not data:
        earlier = rules.find_by_submission(key)
        if earlier is not None:
            # A second press of "Send" after the first was recorded: show the same page again.
            return _sent(kind, earlier, rules.replayed_claim_code(earlier, key))
    previous = session.get(SENT) or {}
    if not data and request.method == "POST" and previous.get("kind") == kind.value:
        # A second press of "Send" that arrived after the first had finished.
        return redirect(url_for("requests_public.request_sent", kind_slug=kind_slug))
    missing = _first_incomplete(kind, data)
    if missing is not None:
        return redirect(url_for("requests_public.request_question", kind_slug=kind_slug, page=missing))
    form = SendRequestForm()
    if form.validate_on_submit() and key:
        owner = current_user if is_account_holder() else None
        try:
            sent, code = rules.submit_request(key, _details(kind, data), owner)
        except rules.NotEligible:
            return redirect(url_for("requests_public.request_question", kind_slug=kind_slug, page="about-you"))
        if code is None and owner is None:
            code = rules.replayed_claim_code(sent, key)
        drafts.discard(name)
        return _sent(kind, sent, code)
    return render_template(
        "requests/request-check.html",
        form=form,
        answer_rows=rows(data, kind, find_authority(data["authority"])),
        kind=kind,
        kind_slug=kind_slug,
        kind_label=KIND_LABELS[kind],
    )


@bp.get("/<kind_slug>/sent")
@public
def request_sent(kind_slug: str) -> str | Response:
    kind = _kind(kind_slug)
    sent = session.get(SENT) or {}
    if sent.get("kind") != kind.value:
        return redirect(url_for("requests_public.start"))
    code = sent.get("code")
    if code:
        # Shown once: someone who later uses this browser (or its Back button) does not see it.
        session[SENT] = {**sent, "code": None}
    return render_template(
        "requests/request-sent.html",
        reference=sent["reference"],
        claim_code=code,
        kind=kind,
        kind_label=KIND_LABELS[kind],
        signed_in=is_account_holder(),
    )


# ---------------------------------------------------------------------------------------------------
# Following a request


@bp.get("/mine")
@account
def my_requests() -> str:
    return render_template(
        "requests/request-mine.html",
        requests=rules.requests_of(current_user),
        kind_labels=KIND_LABELS,
        status_labels=STATUS_LABELS,
    )


def _own(public_id: str) -> ServiceRequest:
    found = rules.find_for_person(current_user, public_id)
    if found is None:
        abort(404)
    return found


def _show(found: ServiceRequest, form: MessageForm) -> str:
    return render_template(
        "requests/request-view.html",
        found=found,
        form=form,
        worker=rules.worker_name(found),
        closed=found.status in rules.CLOSED,
        kind_label=KIND_LABELS[RequestKind(found.kind)],
        status_label=STATUS_LABELS[found.status],
        answer_rows=rows(request_data(found), RequestKind(found.kind), found.authority),
    )


@bp.get("/<public_id>")
@account
def view_request(public_id: str) -> str:
    return _show(_own(public_id), MessageForm())


@bp.post("/<public_id>/messages")
@account
def send_message(public_id: str) -> str | Response:
    found = _own(public_id)
    form = MessageForm()
    if found.status in rules.CLOSED:
        # Closed while they were writing: say so plainly; the page explains what to do instead.
        flash(str(_l("This request has been closed, so your message was not sent.")), "important")
        return redirect(url_for("requests_public.view_request", public_id=public_id))
    if not form.validate_on_submit():
        return _show(found, form)
    rules.send_person_message(found, current_user, form.body.data)
    flash(str(_l("Your message has been sent")), "success")
    return redirect(url_for("requests_public.view_request", public_id=public_id, _anchor="messages"))


# ---------------------------------------------------------------------------------------------------
# Claiming a request made without an account


def _sign_in_limit() -> str:
    return str(current_app.config["SIGN_IN_LIMIT"])


@bp.route("/claim", methods=["GET", "POST"])
@account
@limiter.limit(_sign_in_limit, methods=["POST"])
def claim_request() -> str | Response:
    form = ClaimForm()
    if form.validate_on_submit():
        claimed = rules.claim_request(current_user, form.reference.data, form.code.data)
        if claimed is not None:
            flash(str(_l("The request has been added to your account")), "success")
            return redirect(url_for("requests_public.view_request", public_id=claimed.public_id))
        # One answer for an unknown reference, a wrong code or a request already claimed.
        form.reference.errors = [str(_l("The reference number or claim code is not right. Check them and try again."))]
    return render_template("requests/request-claim.html", form=form)
