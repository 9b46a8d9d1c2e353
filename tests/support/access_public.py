"""The access decision of every route in this part of the portal (see tests/test_route_access.py)."""

SUPPORT_PUBLIC_ACCESS: dict[str, str] = {
    # "What support you can get" (portal/support/offer.py, on this blueprint): anyone may read it.
    "support_public.support_offer": "public",
    "support_public.start_referral": "account",
    "support_public.referral_question": "account",
    "support_public.check_referral": "account",
    "support_public.referral_sent": "account",
}
