"""The access decision of every route in this part of the portal (see tests/test_route_access.py)."""

CONTENT_ACCESS: dict[str, str] = {
    "agency_content.list_content": "staff:administrator",
    "agency_content.edit_content": "staff:administrator",
}
