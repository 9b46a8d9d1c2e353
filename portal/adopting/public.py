"""The public enquiry journey: four short question pages, check your answers, confirmation.

Answers are kept in a server-side draft between pages, so going back, changing an answer, or an
expired form loses nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from portal.adopting import rules
from portal.adopting.forms import (
    AboutYouForm,
    CommunicationForm,
    SendEnquiryForm,
    WhereYouLiveForm,
    YourEnquiryForm,
)
from portal.adopting.presenters import answer_rows
from portal.agency.rules import find_authority, list_authorities
from portal.core import drafts
from portal.core.access import public
from portal.core.communication import language_choices
from portal.core.i18n import current_locale

bp = Blueprint("adopting", __name__, url_prefix="/adopt")

DRAFT = "enquiry"


@dataclass(frozen=True)
class Question:
    slug: str
    form: type[FlaskForm]
    template: str


QUESTIONS = [
    Question("about-you", AboutYouForm, "adopting/enquiry-about-you.html"),
    Question("where-you-live", WhereYouLiveForm, "adopting/enquiry-where-you-live.html"),
    Question("your-enquiry", YourEnquiryForm, "adopting/enquiry-your-enquiry.html"),
    Question("communication", CommunicationForm, "adopting/enquiry-communication.html"),
]
BY_SLUG = {q.slug: q for q in QUESTIONS}


def _build(question: Question, **kwargs: object) -> FlaskForm:
    form = question.form(**kwargs)
    if isinstance(form, WhereYouLiveForm):
        form.set_authorities([(a.slug, a.name) for a in list_authorities()])
    if isinstance(form, CommunicationForm):
        form.preferred_language.choices = language_choices(current_app.config["LOCALES"])
    return form


def _answers(form: FlaskForm) -> dict[str, object]:
    return {name: field.data for name, field in form._fields.items() if name not in {"csrf_token", "submit"}}


def _first_incomplete(data: dict[str, object]) -> Question | None:
    for question in QUESTIONS:
        formdata = MultiDict()
        for key, value in data.items():
            for item in value if isinstance(value, list) else [value]:
                if item is not None:
                    formdata.add(key, item)
        form = _build(question, formdata=formdata, meta={"csrf": False})
        if not form.validate():
            return question
    return None


@bp.get("/enquiry")
@public
def enquiry_start() -> str:
    return render_template("adopting/enquiry-start.html")


@bp.route("/enquiry/<slug>", methods=["GET", "POST"])
@public
def enquiry_question(slug: str) -> str | Response:
    question = BY_SLUG.get(slug)
    if question is None:
        abort(404)
    data = drafts.load(DRAFT)
    form = _build(question, data=data)
    if form.validate_on_submit():
        drafts.save(DRAFT, _answers(form))
        data = {**data, **_answers(form)}
        following = _first_incomplete(data)
        if following is None:
            return redirect(url_for("adopting.enquiry_check"))
        return redirect(url_for("adopting.enquiry_question", slug=following.slug))
    index = QUESTIONS.index(question)
    back = (
        url_for("adopting.enquiry_question", slug=QUESTIONS[index - 1].slug)
        if index
        else url_for("adopting.enquiry_start")
    )
    return render_template(question.template, form=form, back=back, step=index + 1, steps=len(QUESTIONS))


@bp.route("/enquiry/check-answers", methods=["GET", "POST"])
@public
def enquiry_check() -> str | Response:
    key = drafts.token_for(DRAFT)
    data = drafts.load(DRAFT)
    if key and not data:
        sent = rules.find_by_submission(key)
        if sent is not None:
            # A second press of "Send" after the first was recorded.
            session["enquiry_sent"] = sent.reference
            return redirect(url_for("adopting.enquiry_sent"))
    if not data and request.method == "POST" and session.get("enquiry_sent"):
        # A second press of "Send" that arrived after the first had finished.
        return redirect(url_for("adopting.enquiry_sent"))
    missing = _first_incomplete(data)
    if missing is not None:
        return redirect(url_for("adopting.enquiry_question", slug=missing.slug))
    form = SendEnquiryForm()
    if form.validate_on_submit() and key:
        answers = rules.EnquiryAnswers.from_draft(data)
        authority = find_authority(answers.authority_slug)
        locale = rules.email_locale(answers.preferred_language, current_locale(), current_app.config["LOCALES"])
        enquiry = rules.submit_enquiry(key, answers, locale, authority)
        drafts.discard(DRAFT)
        session["enquiry_sent"] = enquiry.reference
        return redirect(url_for("adopting.enquiry_sent"))
    rows = answer_rows(data, find_authority(data["authority"]))
    return render_template("adopting/enquiry-check.html", form=form, answer_rows=rows)


@bp.get("/enquiry/sent")
@public
def enquiry_sent() -> str | Response:
    reference = session.get("enquiry_sent")
    if not reference:
        return redirect(url_for("adopting.enquiry_start"))
    return render_template("adopting/enquiry-sent.html", reference=reference)
