"""The access decision of every route in this part of the application journey (see tests/test_route_access.py)."""

TRAINING = "staff:administrator,assessment_worker,team_manager"
REPORTS = "staff:performance_officer,team_manager"

TRAINING_REPORTS_ACCESS: dict[str, str] = {
    "training_staff.list_courses": TRAINING,
    "training_staff.add_course": TRAINING,
    "training_staff.view_course": TRAINING,
    "training_staff.cancel_course": TRAINING,
    "adopter_reports.adopter_report": REPORTS,
    "adopter_reports.export_adopter_report": REPORTS,
}
