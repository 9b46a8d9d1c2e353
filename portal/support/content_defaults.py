"""The built-in English text of the agency's content, used until an administrator writes their own.

This is content, not interface text: it is not translated through the catalogues. Administrators
write it in each language (see portal.agency.content); until they do, the English shows. The
"support_offer" text carries every item the agency must tell families about adoption support
(Children and Families Act 2014; the agency's adoption support policy, section 4).
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from portal.agency.models import Agency

SUPPORT_OFFER = "support_offer"


def _adviser(agency: Agency | None) -> str:
    if agency is None:
        return "<p>Contact us and ask for the adoption support adviser.</p>"
    hours = f" ({escape(agency.duty_hours)})" if agency.duty_hours else ""
    address = f" Write to us at {escape(agency.address)}." if agency.address else ""
    return (
        f"<p>Our adoption support adviser can tell you about support and help you ask for it. "
        f"Call {escape(agency.phone)}{hours} or email {escape(agency.email)}.{address}</p>"
    )


def support_offer(agency: Agency | None) -> str:
    name = escape(agency.name) if agency else "the agency"
    return "\n".join(
        [
            "<h2>Support for every adoptive family</h2>",
            f"<p>Every adoptive family and special guardianship family can get support from {name}, "
            "without an assessment. This is our universal offer. It includes:</p>",
            "<ul>",
            "<li>information, advice and guidance, including on behaviour and attachment</li>",
            "<li>signposting to local early help services and groups</li>",
            "<li>advice through the Virtual School about your child's education</li>",
            "<li>help with contact between your child and their birth family</li>",
            "<li>support groups, events and activities where families meet and support each other</li>",
            "<li>training to help you meet your child's needs</li>",
            "</ul>",
            "<h2>Specialist support after an assessment of need</h2>",
            "<p>Some support is given after an assessment of your family's needs. This is our specialist "
            "offer. It can include therapy for your child, short breaks, help to keep a placement going "
            "when it is under strain, and financial support, which is reviewed regularly.</p>",
            "<h2>You can ask for an assessment at any time</h2>",
            "<p>You have the right to ask for an assessment of your adoption support needs at any time, "
            "however long ago your child was placed or adopted. For 3 years after the adoption order, "
            "the local authority that placed your child is responsible for the assessment. After that, "
            "it is the local authority where you live. If you live outside our region, we will tell you "
            "which agency to contact.</p>",
            "<h2>Your adoption support adviser</h2>",
            _adviser(agency),
            "<h2>The Adoption and Special Guardianship Support Fund</h2>",
            "<p>The Adoption and Special Guardianship Support Fund pays for therapy for adopted children "
            "and children under a special guardianship order. We apply to the fund for you after an "
            "assessment of need. There is a limit on how much can be spent for each child each year.</p>",
            "<h2>Priority school admissions</h2>",
            "<p>Children who were adopted from care, or who left care under a special guardianship or "
            "child arrangements order, have the highest priority for school places. Tell the school or "
            "the council's admissions team when you apply.</p>",
            "<h2>Help with housing</h2>",
            "<p>Ask your council about priority for council housing and about Discretionary Housing "
            "Payments if you need help to pay your rent.</p>",
            "<h2>Early education</h2>",
            "<p>Adopted children and children who left care under a special guardianship order can have "
            "a free early education place from the age of 2. Ask your council's family information "
            "service.</p>",
            "<h2>How to complain</h2>",
            "<p>If you are unhappy with our service, please tell your worker or the adoption support "
            "adviser first. If that does not put it right, you can make a complaint through our "
            "complaints procedure. If you are still unhappy after that, you can ask the Local "
            "Government and Social Care Ombudsman to look at your complaint.</p>",
        ]
    )


# Each key of agency content with the function that writes its English default.
DEFAULTS: dict[str, Callable[[Agency | None], str]] = {SUPPORT_OFFER: support_offer}
