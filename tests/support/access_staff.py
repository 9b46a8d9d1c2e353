"""The access decision of every route in this part of the portal (see tests/test_route_access.py)."""

SUPPORT = "staff:duty_worker,support_worker,team_manager"

SUPPORT_STAFF_ACCESS: dict[str, str] = {
    f"support_staff.{endpoint}": SUPPORT
    for endpoint in (
        "list_referrals",
        "view_referral",
        "screen_referral",
        "sign_off_screening",
        "record_mash_referral",
        "start_assessment",
        "record_first_visit",
        "share_plan",
        "add_plan_item",
        "set_fund_status",
        "set_next_step",
        "record_review",
        "share_review",
        "close_referral",
        "send_closure_letter",
        "transfer_referral",
        "send_message",
    )
}
