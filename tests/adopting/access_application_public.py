"""The access decision of every route in this part of the application journey (see tests/test_route_access.py)."""

APPLICATION_PUBLIC_ACCESS: dict[str, str] = {
    f"application_public.{endpoint}": "account"
    for endpoint in (
        "view_application",
        "give_consent",
        "name_referees",
        "previous_partners",
        "employer",
        "book_training",
        "cancel_training",
        "upload_documents",
        "download_document",
        "choose_next_stage",
        "comment_on_report",
        "application_messages",
        "withdraw_application",
    )
}
