"""A fake GOV.UK Notify API on 127.0.0.1: checks the bearer token as Notify does and answers with
Notify's JSON shapes, so the real ``notifications_python_client`` can be used against it."""

from __future__ import annotations

import json
import re
import threading
import uuid
from dataclasses import dataclass
from types import TracebackType
from typing import Any

from notifications_python_client.authentication import decode_jwt_token, get_token_issuer
from notifications_python_client.errors import TokenError
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

SERVICE_ID = "26785a09-ab16-4eb0-8407-a37497a57506"
SECRET = "3d844edf-8d35-48ac-975b-e847b4f122b0"
# The shape Notify issues: a name, the service id, then the secret.
API_KEY = f"portal_test-{SERVICE_ID}-{SECRET}"
BEARER = re.compile(r"^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$")


@dataclass
class Posted:
    path: str
    authorization: str
    payload: dict[str, Any]


def _error(status: int, kind: str, message: str) -> Response:
    body = {"status_code": status, "errors": [{"error": kind, "message": message}]}
    return Response(json.dumps(body), status=status, mimetype="application/json")


class FakeNotify:
    """``with FakeNotify() as notify:`` serves on ``notify.base_url``; ``notify.posted`` holds the
    accepted requests. Set ``notify.fail_with`` to an HTTP status to refuse every request instead."""

    def __init__(self) -> None:
        self.posted: list[Posted] = []
        self.refused: list[int] = []
        self.fail_with: int | None = None
        self._server = make_server("127.0.0.1", 0, self._app)
        self.base_url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._serve, name="fake-notify", daemon=True)

    def _serve(self) -> None:
        # A short poll so that stopping the server does not keep each test waiting.
        self._server.serve_forever(poll_interval=0.05)

    @Request.application  # type: ignore[misc]
    def _app(self, request: Request) -> Response:
        response = self._answer(request)
        if response.status_code >= 400:
            self.refused.append(response.status_code)
        return response

    def _answer(self, request: Request) -> Response:
        found = BEARER.match(request.headers.get("Authorization", ""))
        if not found:
            return _error(401, "AuthError", "Unauthorized: authentication token must be provided")
        token = found.group(1)
        try:
            if get_token_issuer(token) != SERVICE_ID or not decode_jwt_token(token, SECRET):
                raise TokenError()
        except TokenError:
            return _error(403, "AuthError", "Invalid token: API key not found")
        if request.method != "POST" or request.path != "/v2/notifications/email":
            return _error(404, "NotFound", "Not Found")
        payload = request.get_json(silent=True)
        if not isinstance(payload, dict) or not {"template_id", "email_address"} <= payload.keys():
            return _error(400, "ValidationError", "template_id and email_address are required")
        if self.fail_with == 400:
            # Notify's real text for a bad address; quote it back as a careless provider might.
            return _error(400, "ValidationError", f"email_address {payload['email_address']} Not a valid email address")
        if self.fail_with:
            return _error(self.fail_with, "Exception", "Internal server error")
        self.posted.append(Posted(request.path, found.group(0), payload))
        notification_id = str(uuid.uuid4())
        personalisation = payload.get("personalisation") or {}
        body = {
            "id": notification_id,
            "reference": payload.get("reference"),
            "content": {
                "subject": personalisation.get("subject", ""),
                "body": personalisation.get("body", ""),
                "from_email": "adoption.portal@notifications.service.gov.uk",
                "one_click_unsubscribe_url": None,
            },
            "uri": f"{self.base_url}/v2/notifications/{notification_id}",
            "template": {
                "id": payload["template_id"],
                "version": 1,
                "uri": f"{self.base_url}/services/{SERVICE_ID}/templates/{payload['template_id']}",
            },
            "scheduled_for": None,
        }
        return Response(json.dumps(body), status=201, mimetype="application/json")

    def __enter__(self) -> FakeNotify:
        self._thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None) -> None:
        self._server.shutdown()
        self._thread.join()
        self._server.server_close()
