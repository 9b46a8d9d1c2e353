"""The access decision of every route in this part of the application journey (see tests/test_route_access.py)."""

REGISTRATION_ACCESS: dict[str, str] = {
    "registration_public.start_registration": "account",
    "registration_public.task_list": "account",
    "registration_public.edit_section": "account",
    "registration_public.invite_second_applicant": "account",
    "registration_public.join_application": "account",
    "registration_public.check_answers": "account",
    "registration_public.sign_registration": "account",
    "registration_public.registration_sent": "account",
}
