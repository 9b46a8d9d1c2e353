"""The back office's moves on a support referral: screening and sign-off, the safeguarding referral,
the assessment and plan, the Support Fund, next steps, reviews, closure, transfer and messages.

Registered on support_staff's blueprint, with its helpers: the form is checked, the rule is called,
and the person goes back to the case.
"""

from __future__ import annotations

from datetime import UTC

from flask import abort
from flask_babel import gettext as _
from flask_login import current_user

from portal.accounts.models import StaffRole, StaffUser
from portal.core.access import staff_with
from portal.core.timescales import LONDON, today_london
from portal.support import plan_rules as plan
from portal.support import rules
from portal.support.models import FundStatus, PlanItemKind, ScreeningOutcome, SupportReferral
from portal.support.roles import SUPPORT_ROLES
from portal.support.staff import Page, act, bp, check_version, child_choices, load, seen_version, workers
from portal.support.staff_forms import (
    ClosureLetterForm,
    CloseForm,
    FirstVisitForm,
    FundStatusForm,
    MashForm,
    MessageForm,
    NextStepForm,
    PlanForm,
    PlanItemForm,
    ReviewForm,
    ScreenForm,
    ShareReviewForm,
    SignOffForm,
    StartAssessmentForm,
    TransferForm,
    set_workers,
)


def _worker(people: list[StaffUser], public_id: str | None) -> StaffUser | None:
    return next((p for p in people if p.public_id == public_id), None)


def _not_open() -> str:
    return _("This referral has ended, so this cannot be done.")


# ---------------------------------------------------------------------------------------------------
# Screening and sign-off


@bp.post("/<public_id>/screening")
@staff_with(SUPPORT_ROLES)
def screen_referral(public_id: str) -> Page:
    def move(r: SupportReferral, f: ScreenForm) -> None:
        outcome = ScreeningOutcome(f.screening_outcome.data)
        rules.screen(r, current_user, outcome, f.screening_notes.data or "", seen_version(f))

    return act(
        load(public_id), "screen", ScreenForm(), move,
        _("Screening recorded. A team manager signs it off."),
        _("Only a new referral can be screened."),
        "screening",
    )


@bp.post("/<public_id>/sign-off")
@staff_with(SUPPORT_ROLES)
def sign_off_screening(public_id: str) -> Page:
    referral = load(public_id)
    # The role decorator lets duty and support workers in; signing off is for managers.
    if not current_user.has_role(StaffRole.TEAM_MANAGER):
        abort(403)
    people = workers()
    form = SignOffForm()
    set_workers(form.sign_off_worker, people)
    form.needs_worker = referral.screening_outcome == ScreeningOutcome.ASSESSMENT
    agreed = form.sign_off.data == "agree"

    def move(r: SupportReferral, f: SignOffForm) -> None:
        # Only an assessment takes a worker at sign-off.
        worker = _worker(people, f.sign_off_worker.data) if agreed and f.needs_worker else None
        rules.sign_off_screening(r, current_user, agreed, seen_version(f), worker=worker)

    return act(
        referral, "sign_off", form, move,
        _("Screening signed off.") if agreed else _("Screening sent back to be screened again."),
        _("There is no screening to sign off."),
        "screening",
    )


# ---------------------------------------------------------------------------------------------------
# Safeguarding


@bp.post("/<public_id>/mash-referral")
@staff_with(SUPPORT_ROLES)
def record_mash_referral(public_id: str) -> Page:
    def move(r: SupportReferral, f: MashForm) -> None:
        typed = f.moment()
        assert typed is not None  # the form is valid
        at = typed.replace(tzinfo=LONDON).astimezone(UTC)
        rules.record_mash_referral(r, at, f.mash_contact.data or "", f.mash_reference.data or "", seen_version(f))

    return act(
        load(public_id), "mash", MashForm(), move,
        _("Safeguarding referral recorded."),
        _("A safeguarding referral can only be recorded when the screening found one was needed."),
        "safeguarding",
    )


@bp.post("/<public_id>/assessment")
@staff_with(SUPPORT_ROLES)
def start_assessment(public_id: str) -> Page:
    people = workers()
    form = StartAssessmentForm()
    set_workers(form.assessment_worker, people)

    def move(r: SupportReferral, f: StartAssessmentForm) -> None:
        worker = _worker(people, f.assessment_worker.data)
        assert worker is not None  # the form only takes a listed worker
        rules.start_assessment(r, worker, seen_version(f))

    return act(
        load(public_id), "start_assessment", form, move,
        _("Assessment started."),
        _("An assessment can be started here only after a safeguarding referral."),
        "safeguarding",
    )


# ---------------------------------------------------------------------------------------------------
# Assessment and the support plan


@bp.post("/<public_id>/first-visit")
@staff_with(SUPPORT_ROLES)
def record_first_visit(public_id: str) -> Page:
    def move(r: SupportReferral, f: FirstVisitForm) -> None:
        plan.record_first_visit(r, f.visit_date.data, f.visit_consent.data == "yes", seen_version(f))

    return act(
        load(public_id), "first_visit", FirstVisitForm(), move,
        _("First visit recorded."),
        _("The first visit can only be recorded during the assessment."),
        "assessment",
    )


@bp.post("/<public_id>/plan")
@staff_with(SUPPORT_ROLES)
def share_plan(public_id: str) -> Page:
    referral = load(public_id)
    today = today_london()
    form = PlanForm()
    due = plan.assessment_due(referral)
    form.late = due is not None and today > due

    def move(r: SupportReferral, f: PlanForm) -> None:
        plan.share_plan(
            r,
            f.assessment_text.data or "",
            f.wishes_and_feelings.data or "",
            f.late_reason.data or "",
            today,
            seen_version(f),
        )

    return act(
        referral, "share_plan", form, move,
        _("Assessment and support plan shared. The family has been told."),
        _("The plan can only be shared during the assessment."),
        "assessment",
    )


@bp.post("/<public_id>/plan-items")
@staff_with(SUPPORT_ROLES)
def add_plan_item(public_id: str) -> Page:
    referral = load(public_id)
    form = PlanItemForm()
    form.item_child.choices = child_choices(referral)

    def move(r: SupportReferral, f: PlanItemForm) -> None:
        check_version(r, f)
        child = next((c for c in r.children if c.public_id == f.item_child.data), None)
        kind = PlanItemKind(f.item_kind.data)
        plan.add_plan_item(r, kind, f.item_description.data or "", child, f.pence(), today_london())

    return act(
        referral, "plan_item", form, move,
        _("Added to the support plan."),
        _("The plan can only be added to during the assessment or once it is shared."),
        "plan",
    )


@bp.post("/<public_id>/plan-items/<item_id>/fund-status")
@staff_with(SUPPORT_ROLES)
def set_fund_status(public_id: str, item_id: str) -> Page:
    referral = load(public_id)
    item = next((i for i in referral.plan_items if i.public_id == item_id), None)
    if item is None:
        abort(404)
    form = FundStatusForm().use_ids(item.public_id)

    def move(r: SupportReferral, f: FundStatusForm) -> None:
        check_version(r, f)
        plan.set_fund_status(item, FundStatus(f.fund_status.data))

    return act(
        referral, f"fund-{item.public_id}", form, move,
        _("Support Fund application updated."),
        _("This is not a Support Fund application."),
        "plan",
    )


@bp.post("/<public_id>/next-step")
@staff_with(SUPPORT_ROLES)
def set_next_step(public_id: str) -> Page:
    def move(r: SupportReferral, f: NextStepForm) -> None:
        rules.set_next_step(r, f.next_step_text.data or "", f.next_step_date.data, seen_version(f))

    return act(
        load(public_id), "next_step", NextStepForm(), move,
        _("Next step saved. The family can see it."), _not_open(), "next-step",
    )


# ---------------------------------------------------------------------------------------------------
# Reviews, closure and transfer


@bp.post("/<public_id>/reviews")
@staff_with(SUPPORT_ROLES)
def record_review(public_id: str) -> Page:
    def move(r: SupportReferral, f: ReviewForm) -> None:
        plan.record_review(r, f.review_date.data, f.review_summary.data or "", seen_version(f))

    return act(
        load(public_id), "review", ReviewForm(), move,
        _("Review recorded. Share it with the family within 7 working days."),
        _("A review can only be recorded once the support plan is shared."),
        "reviews",
    )


@bp.post("/<public_id>/reviews/<review_id>/share")
@staff_with(SUPPORT_ROLES)
def share_review(public_id: str, review_id: str) -> Page:
    referral = load(public_id)
    review = next((v for v in referral.reviews if v.public_id == review_id), None)
    if review is None:
        abort(404)

    def move(r: SupportReferral, f: ShareReviewForm) -> None:
        check_version(r, f)
        plan.share_review(review)

    return act(
        referral, "share_review", ShareReviewForm(), move,
        _("Review shared. The family has been told."), _("This review cannot be shared."), "reviews",
    )


@bp.post("/<public_id>/close")
@staff_with(SUPPORT_ROLES)
def close_referral(public_id: str) -> Page:
    def move(r: SupportReferral, f: CloseForm) -> None:
        plan.close(r, f.closure_reason.data or "", seen_version(f))

    return act(
        load(public_id), "close", CloseForm(), move,
        _("Referral closed. Send the closure letter within 5 working days."),
        _("This referral cannot be closed now."),
        "closure",
    )


@bp.post("/<public_id>/closure-letter")
@staff_with(SUPPORT_ROLES)
def send_closure_letter(public_id: str) -> Page:
    def move(r: SupportReferral, f: ClosureLetterForm) -> None:
        check_version(r, f)
        plan.send_closure_letter(r, f.letter_text.data or "", bool(f.ask_feedback.data))

    return act(
        load(public_id), "closure_letter", ClosureLetterForm(), move,
        _("Closure letter sent. The family has been told."),
        _("A closure letter can only be sent once the referral is closed."),
        "closure",
    )


@bp.post("/<public_id>/transfer")
@staff_with(SUPPORT_ROLES)
def transfer_referral(public_id: str) -> Page:
    def move(r: SupportReferral, f: TransferForm) -> None:
        plan.transfer(r, f.transfer_to.data or "", today_london(), seen_version(f))

    return act(
        load(public_id), "transfer", TransferForm(), move,
        _("Referral transferred."),
        _("This referral cannot be transferred now."),
        "closure",
    )


# ---------------------------------------------------------------------------------------------------
# Messages


@bp.post("/<public_id>/messages")
@staff_with(SUPPORT_ROLES)
def send_message(public_id: str) -> Page:
    # The version is read but not checked: a message adds to the thread and changes nothing anyone
    # else is editing, so a page opened before someone else's change may still send one.
    def move(r: SupportReferral, f: MessageForm) -> None:
        rules.send_staff_message(r, current_user, f.message.data or "")

    return act(load(public_id), "message", MessageForm(), move, _("Message sent."), _not_open(), "messages")
