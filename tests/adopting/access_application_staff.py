"""The access decision of every route in this part of the application journey (see tests/test_route_access.py)."""

APPLICATIONS = "staff:assessment_worker,team_manager"

APPLICATION_STAFF_ACCESS: dict[str, str] = {
    f"application_staff.{endpoint}": APPLICATIONS
    for endpoint in (
        "list_applications",
        "view_application",
        "accept_registration",
        "decline_registration",
        "allocate_worker",
        "set_stage_one_plan",
        "record_check",
        "record_attendance",
        "recommend_stage_one",
        "sign_off_stage_one",
        "book_visit",
        "update_visit",
        "share_par",
        "book_panel",
        "record_panel_recommendation",
        "record_decision",
        "send_message",
        "download_document",
    )
}
