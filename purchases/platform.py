"""The connection to the cooperative's accredited platform (plateforme agréée, PA).

One interface, `PlatformConnector`, for what the buyer side needs from a PA: fetch the invoices
received since the last call, send the buyer's lifecycle statuses back (CDAR codes 204–211),
and register the cooperative's routing addresses in the directory. `HttpPlatformConnector`
speaks a small JSON-over-HTTPS API in the shape of the AFNOR XP Z12-013 flows (a flow per
received document, statuses posted on a flow, directory lines); a PA with another API gets its
own class behind the same interface. Network errors become French `ApplicationError`s."""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import urlencode

from django.utils.translation import gettext as _

from perspectives.core.exceptions import ApplicationError

TIMEOUT_SECONDS = 20
MAX_DOCUMENT_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class ReceivedDocument:
    platform_id: str
    filename: str
    content: bytes


class PlatformConnector(Protocol):
    def fetch_received(self, *, after: str = "") -> list[ReceivedDocument]:
        """Documents received for the cooperative, after the flow id `after` (oldest first)."""

    def send_status(self, *, platform_id: str, code: str, reason: str = "") -> None:
        """The buyer's lifecycle status of a received document."""

    def register_address(self, *, siren: str, address: str, label: str) -> None:
        """A routing address of the cooperative in the directory (annuaire)."""


class HttpPlatformConnector:
    def __init__(self, *, base_url: str, token: str) -> None:
        if not base_url.startswith(("https://", "http://127.0.0.1", "http://localhost")):
            raise ApplicationError(_("L'adresse de la plateforme doit être en HTTPS."))
        self.base_url = base_url.rstrip("/")
        self.token = token

    def _call(self, method: str, path: str, payload: dict[str, Any] | None = None) -> Any:
        data = json.dumps(payload).encode() if payload is not None else None
        request = urllib.request.Request(  # noqa: S310 - the scheme is checked in __init__
            f"{self.base_url}{path}",
            data=data,
            method=method,
            headers={
                "Authorization": f"Bearer {self.token}",
                "Accept": "application/json",
                **({"Content-Type": "application/json"} if data is not None else {}),
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
                body = response.read(MAX_DOCUMENT_BYTES * 2)
        except urllib.error.HTTPError as exc:
            raise ApplicationError(
                _("La plateforme a répondu %(status)s à %(path)s.")
                % {"status": exc.code, "path": path}
            ) from exc
        except (urllib.error.URLError, TimeoutError) as exc:
            raise ApplicationError(
                _("Plateforme injoignable : %(error)s.") % {"error": getattr(exc, "reason", exc)}
            ) from exc
        return json.loads(body) if body else None

    def fetch_received(self, *, after: str = "") -> list[ReceivedDocument]:
        query = urlencode({"direction": "in", **({"after": after} if after else {})})
        listing = self._call("GET", f"/flows?{query}") or {}
        documents = []
        for flow in listing.get("flows", []):
            detail = self._call("GET", f"/flows/{flow['id']}/document")
            content = base64.b64decode(detail["content"])
            documents.append(
                ReceivedDocument(
                    platform_id=str(flow["id"]), filename=detail["filename"], content=content
                )
            )
        return documents

    def send_status(self, *, platform_id: str, code: str, reason: str = "") -> None:
        self._call("POST", f"/flows/{platform_id}/statuses", {"code": code, "reason": reason})

    def register_address(self, *, siren: str, address: str, label: str) -> None:
        self._call(
            "POST",
            "/directory/lines",
            {"siren": siren, "routing_address": address, "scheme": "0225", "label": label},
        )
