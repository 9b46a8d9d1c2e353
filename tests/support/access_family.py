"""The access decision of every route in this part of the portal (see tests/test_route_access.py)."""

SUPPORT_FAMILY_ACCESS: dict[str, str] = {
    "support_family.list_referrals": "account",
    "support_family.view_referral": "account",
    "support_family.referral_messages": "account",
}
