"""The words people read for the values stored on an application to adopt: statuses, stages, checks,
clocks and documents. One place for the applicants' pages and the staff pages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l

from portal.adopting.application_models import (
    Applicant,
    Application,
    ApplicationCheck,
    ApplicationStatus,
    CheckKind,
    CheckStatus,
    DocumentKind,
)
from portal.adopting.application_rules import STAGE_OF

S = ApplicationStatus

STATUS_LABELS = {
    S.DRAFT: _l("Registration not sent yet"),
    S.SUBMITTED: _l("Registration sent: waiting for the agency's decision"),
    S.DECLINED: _l("Registration not accepted"),
    S.STAGE_ONE: _l("Stage One"),
    S.STAGE_ONE_ENDED: _l("Not going on after Stage One"),
    S.STAGE_ONE_DONE: _l("Stage One complete"),
    S.ON_BREAK: _l("Taking a break"),
    S.STAGE_TWO: _l("Stage Two"),
    S.AT_PANEL: _l("Panel booked"),
    S.APPROVED: _l("Approved"),
    S.NOT_APPROVED: _l("Not approved"),
    S.WITHDRAWN: _l("Withdrawn"),
}

# Keyed by the values of application_rules.STAGE_OF, in the order people go through them.
STAGE_LABELS = {
    "registration": _l("Registration"),
    "stage_one": _l("Stage One"),
    "break": _l("Break"),
    "stage_two": _l("Stage Two"),
    "panel": _l("Panel"),
    "decision": _l("Decision"),
    "withdrawn": _l("Withdrawn"),
}

CHECK_KIND_LABELS = {
    CheckKind.DBS: _l("Enhanced DBS check"),
    CheckKind.LOCAL_AUTHORITY: _l("Local authority checks"),
    CheckKind.MEDICAL: _l("Medical from your GP"),
    CheckKind.REFERENCE: _l("Personal reference"),
    CheckKind.PREVIOUS_PARTNER: _l("Previous partner"),
    CheckKind.EMPLOYER: _l("Employer reference"),
}

# What the applicants see: a check's outcome is for staff only, so "back" is all they learn.
CHECK_STATUS_LABELS = {
    CheckStatus.NOT_REQUESTED: _l("Not asked yet"),
    CheckStatus.REQUESTED: _l("Asked"),
    CheckStatus.SATISFACTORY: _l("Reply received"),
    CheckStatus.CONCERN: _l("Reply received"),
}

# The outcome as staff read it.
STAFF_CHECK_STATUS_LABELS = {
    CheckStatus.NOT_REQUESTED: _l("Not requested"),
    CheckStatus.REQUESTED: _l("Requested"),
    CheckStatus.SATISFACTORY: _l("Satisfactory"),
    CheckStatus.CONCERN: _l("Concern"),
}

# Keyed by application_clocks.Clock.name.
CLOCK_LABELS = {
    "registration_decision": _l("Decision on your registration"),
    "stage_one": _l("Stage One"),
    "break": _l("Break between the stages"),
    "stage_two": _l("Stage Two"),
    "par_comments": _l("Comments on the report"),
}

DOCUMENT_KIND_LABELS = {
    DocumentKind.IDENTITY: _l("Proof of identity"),
    DocumentKind.PROOF_OF_ADDRESS: _l("Proof of address"),
    DocumentKind.OTHER: _l("Other document"),
}




def label_of(labels: dict[str, object], value: str) -> str:
    """The label for a stored value, or the value itself if it has none (never an error)."""
    return str(labels.get(value, value))


# ---------------------------------------------------------------------------------------------------
# The applicants' "My application" page

STEPS = ("registration", "stage_one", "break", "stage_two", "panel", "decision")


@dataclass(frozen=True)
class Step:
    key: str
    label: Any
    state: str  # done, current, stopped (the application ended here), to_come


def _reached(application: Application) -> str:
    """The furthest stage a withdrawn application got to, from what happened to it."""
    if application.panel_date is not None:
        return "panel"
    if application.stage_two_started_at is not None:
        return "stage_two"
    if application.break_started_at is not None or application.stage_one_decided_at is not None:
        return "break"
    if application.stage_one_started_at is not None:
        return "stage_one"
    return "registration"


def steps_of(application: Application) -> list[Step]:
    """Where the applicants are, step by step. The fast track has no Stage One and no break."""
    keys = [k for k in STEPS if not (application.fast_track and k in {"stage_one", "break"})]
    status = ApplicationStatus(application.status)
    ended = status in {S.WITHDRAWN, S.DECLINED, S.STAGE_ONE_ENDED}
    here = _reached(application) if status == S.WITHDRAWN else STAGE_OF[status]
    position = keys.index(here) if here in keys else 0
    finished = status in {S.APPROVED, S.NOT_APPROVED}
    steps = []
    for index, key in enumerate(keys):
        if index < position or (finished and index == position):
            state = "done"
        elif index == position:
            state = "stopped" if ended else "current"
        else:
            state = "to_come"
        steps.append(Step(key, STAGE_LABELS[key], state))
    return steps


@dataclass(frozen=True)
class Task:
    label: Any
    endpoint: str
    done: bool


def _checks(application: Application, applicant: Applicant, kind: CheckKind) -> list[ApplicationCheck]:
    return [c for c in application.checks if c.applicant_id == applicant.id and c.kind == kind]


def works_with_children(applicant: Applicant) -> bool:
    return (applicant.answers or {}).get("about_you", {}).get("works_with_children") == "yes"


def tasks_for(application: Application, applicant: Applicant) -> list[Task]:
    """What the signed-in applicant has to do now, and what of it is done."""
    status = application.status
    documents = application.documents
    if status == S.STAGE_ONE:
        tasks = [
            Task(_l("Give your consent to the checks"), "give_consent", applicant.consent_at is not None),
            Task(_l("Name your referees"), "name_referees", bool(_checks(application, applicant, CheckKind.REFERENCE))),
            Task(
                _l("Tell us about previous partners"),
                "previous_partners",
                bool(applicant.stage_one_answers.get("previous_partners_done")),
            ),
        ]
        if works_with_children(applicant):
            tasks.append(Task(_l("Tell us about your employer"), "employer", bool(applicant.stage_one_answers.get("employer_done"))))
        tasks += [
            Task(_l("Book preparation training"), "book_training", bool(application.bookings)),
            Task(
                _l("Upload proof of your identity"),
                "upload_documents",
                any(d.kind == DocumentKind.IDENTITY and d.applicant_id == applicant.id for d in documents),
            ),
            Task(
                _l("Upload proof of your address"),
                "upload_documents",
                any(d.kind == DocumentKind.PROOF_OF_ADDRESS for d in documents),
            ),
        ]
        return tasks
    if status == S.STAGE_ONE_DONE:
        return [Task(_l("Tell us whether you want to go on to Stage Two now or take a break"), "choose_next_stage", False)]
    if status == S.ON_BREAK:
        return [Task(_l("Tell us when you are ready to go on to Stage Two"), "choose_next_stage", False)]
    if status == S.STAGE_TWO:
        tasks = []
        if not application.bookings:
            tasks.append(Task(_l("Book preparation training"), "book_training", False))
        if application.par_shared_at is not None:
            tasks.append(Task(_l("Comment on your report"), "comment_on_report", application.par_commented_at is not None))
        return tasks
    return []
