"""The families' side of adoption support: asking for support from an account.

Answers are kept in a server-side draft (kind "support") between the question pages, so signing
out and back in loses nothing. Every page carries "Exit this page": some families are in crisis,
and some live with someone who must not see what they are writing.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, abort, redirect, render_template, request, session, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from portal.agency.rules import find_authority, list_authorities
from portal.core import drafts
from portal.core.access import account
from portal.core.forms import ELSEWHERE
from portal.core.timescales import today_london
from portal.support import models  # noqa: F401  (the tables exist wherever the blueprint does)
from portal.support import rules
from portal.support.forms import (
    CHILD_DATES,
    CHILD_FIELDS,
    MAX_CHILDREN,
    PAGE_FORMS,
    ChildrenForm,
    SendReferralForm,
    WhereForm,
)
from portal.support.models import ReferrerRole
from portal.support.presenters import ROLE_LABELS, responsibility_text

bp = Blueprint("support_public", __name__, url_prefix="/support")

DRAFT = "support"
SENT = "support_sent"
PAGES = list(PAGE_FORMS)



def _authorities() -> list[tuple[str, str]]:
    return [(a.slug, a.name) for a in list_authorities()]


def _iso(value: date | None) -> str:
    return value.isoformat() if value else ""


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


# ---------------------------------------------------------------------------------------------------
# The draft and the forms


def _initial(page: str, data: dict[str, Any]) -> dict[str, Any]:
    """A page's starting values from the draft (a date field wants a date)."""
    if page != "your-children":
        return dict(data)  # a form takes the values of its own fields and ignores the rest
    values: dict[str, Any] = {}
    for number, child in enumerate(data.get("children") or [], start=1):
        for name in CHILD_FIELDS:
            value = child.get(name)
            values[f"child{number}_{name}"] = _day(value) if name in CHILD_DATES else value
    return values


def _build(page: str, data: dict[str, Any]) -> FlaskForm:
    form = PAGE_FORMS[page](data=_initial(page, data))
    if isinstance(form, ChildrenForm):
        form.set_up(int(data.get("child_count") or len(data.get("children") or []) or 1), _authorities())
    elif isinstance(form, WhereForm):
        form.set_up(_authorities())
    return form


def _answers(page: str, form: FlaskForm) -> dict[str, Any]:
    """A page's answers in the draft's (JSON) shape."""
    if isinstance(form, ChildrenForm):
        children = []
        for number in form.filled():
            child = {name: form[f"child{number}_{name}"].data for name in CHILD_FIELDS}
            for name in CHILD_DATES:
                child[name] = _iso(child[name])
            if child["placing_authority"] != ELSEWHERE:
                child["placing_authority_other"] = ""
            children.append(child)
        return {"children": children, "child_count": len(children)}
    out = {name: field.data for name, field in form._fields.items() if name not in {"csrf_token", "submit"}}
    if isinstance(form, WhereForm) and out["home"] != ELSEWHERE:
        out["home_elsewhere"] = ""
    return out


def _first_incomplete(data: dict[str, Any]) -> str | None:
    # Pages only reach the draft once their checks pass, so a page that was saved is complete.
    done = set(data.get("done") or [])
    return next((page for page in PAGES if page not in done), None)


def _at_risk(data: dict[str, Any]) -> bool:
    return data.get("at_risk") == "yes"


# ---------------------------------------------------------------------------------------------------
# Pages


@bp.get("/ask")
@account
def start_referral() -> str:
    data = drafts.load(DRAFT)
    first = _first_incomplete(data) if data else PAGES[0]
    return render_template("support/referral-start.html", continue_page=first)


@bp.route("/ask/<page>", methods=["GET", "POST"])
@account
def referral_question(page: str) -> str | Response:
    if page not in PAGE_FORMS:
        abort(404)
    data = drafts.load(DRAFT)
    form = _build(page, data)
    if request.method == "POST" and form.validate_on_submit():
        answers = _answers(page, form)
        if isinstance(form, ChildrenForm) and form.add_child.data:
            # "Add another child": keep what was typed and show one more set of questions.
            answers["child_count"] = min(form.count + 1, MAX_CHILDREN)
            drafts.save(DRAFT, answers)
            return redirect(url_for("support_public.referral_question", page=page, _anchor=f"child-{answers['child_count']}"))
        done = sorted({*(data.get("done") or []), page})
        drafts.save(DRAFT, {**answers, "done": done})
        following = _first_incomplete({**data, "done": done})
        if following is None:
            return redirect(url_for("support_public.check_referral"))
        return redirect(url_for("support_public.referral_question", page=following))
    index = PAGES.index(page)
    back = url_for("support_public.referral_question", page=PAGES[index - 1]) if index else url_for("support_public.start_referral")
    # The emergency numbers show at once: on every page once "yes" is the answer, including this
    # page when the answer just given was "yes" but the page has to be shown again.
    answering_risk = page == "risk" and request.method == "POST"
    at_risk = request.form.get("at_risk") == "yes" if answering_risk else _at_risk(data)
    return render_template(
        f"support/referral-{page}.html",
        form=form,
        back=back,
        step=index + 1,
        steps=len(PAGES),
        at_risk=at_risk,
        max_children=MAX_CHILDREN,
    )


def _children(data: dict[str, Any]) -> list[rules.ChildDetails]:
    out = []
    for child in data.get("children") or []:
        authority = find_authority(child["placing_authority"]) if child["placing_authority"] != ELSEWHERE else None
        out.append(
            rules.ChildDetails(
                first_name=child["first_name"],
                date_of_birth=date.fromisoformat(child["date_of_birth"]),
                placed_on=_day(child.get("placed_on")),
                order_made_on=_day(child.get("order_made_on")),
                placing_authority_id=authority.id if authority else None,
                placing_authority_other="" if authority else child.get("placing_authority_other") or "",
            )
        )
    return out


def _rows(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The check-answers rows: the page that asks, what it is, and the answer."""
    names = dict(_authorities())
    rows: list[dict[str, Any]] = [
        {"page": "who-you-are", "label": "role", "lines": [ROLE_LABELS[ReferrerRole(data["role"])]]},
        {"page": "your-family", "label": "household", "lines": [data.get("household") or ""]},
    ]
    for child in data.get("children") or []:
        placing = names.get(child["placing_authority"], "") or child.get("placing_authority_other") or ""
        dates = {name: _day(child.get(name)) for name in CHILD_DATES}
        rows.append({"page": "your-children", "label": "child", "child": {**child, **dates}, "placing": placing})
    home = names.get(data.get("home") or "", "") or data.get("home_elsewhere") or ""
    rows += [
        {"page": "where-you-live", "label": "home", "lines": [home]},
        {"page": "what-is-happening", "label": "happening", "lines": [data.get("happening") or ""]},
        {"page": "what-is-happening", "label": "help", "lines": [data.get("help") or ""]},
        {"page": "risk", "label": "at_risk", "yes": _at_risk(data)},
        {"page": "consent", "label": "consent", "yes": data.get("consent") == "yes"},
    ]
    return rows


def _sent(referral: models.SupportReferral) -> Response:
    session[SENT] = referral.public_id
    return redirect(url_for("support_public.referral_sent"))


@bp.route("/ask/check-answers", methods=["GET", "POST"])
@account
def check_referral() -> str | Response:
    data = drafts.load(DRAFT)
    key = drafts.token_for(DRAFT)
    if not data:
        # A second press of "Send" after the first was recorded: the same confirmation again.
        sent_id = session.get(SENT) if request.method == "POST" else None
        earlier = rules.find_for_family(current_user, sent_id) if sent_id else None
        if earlier is not None:
            return _sent(earlier)
        return redirect(url_for("support_public.start_referral"))
    missing = _first_incomplete(data)
    if missing is not None:
        return redirect(url_for("support_public.referral_question", page=missing))
    form = SendReferralForm()
    if form.validate_on_submit() and key:
        home = find_authority(data["home"]) if data.get("home") != ELSEWHERE else None
        referral = rules.submit_referral(
            key,
            current_user,
            ReferrerRole(data["role"]),
            _children(data),
            home.id if home else None,
            "" if home else data.get("home_elsewhere") or "",
            {"household": data.get("household") or "", "happening": data.get("happening") or "", "help": data.get("help") or ""},
            _at_risk(data),
            data.get("consent") == "yes",
        )
        drafts.discard(DRAFT)
        return _sent(referral)
    return render_template("support/referral-check.html", form=form, answer_rows=_rows(data), at_risk=_at_risk(data))


@bp.get("/ask/sent")
@account
def referral_sent() -> str | Response:
    public_id = session.get(SENT)
    referral = rules.find_for_family(current_user, public_id) if public_id else None
    if referral is None:
        return redirect(url_for("support_public.start_referral"))
    return render_template(
        "support/referral-sent.html",
        referral=referral,
        responsibility=responsibility_text(referral, today_london()),
        at_risk=referral.urgent,
    )


# The offer page registers itself on this blueprint.
from portal.support import offer  # noqa: E402, F401
