"""The connection to the cooperative's accredited platform (plateforme agréée, PA).

One interface, `PlatformConnector`, for what the buyer side needs from a PA: fetch the invoices
received since the last call, send the buyer's lifecycle statuses back, and register the
cooperative's routing addresses in the directory. `AfnorPlatformConnector` speaks the API every
PA publishes, AFNOR XP Z12-013: the Flow Service 1.1.0 (`POST /v1/flows/search` for the supplier
invoices received, paged by `updatedAfter`; `GET /v1/flows/{flowId}?docType=Original` for the
file; `POST /v1/flows` to submit a lifecycle status as a CDAR message) and the Directory Service
1.1.0 (`POST /v1/directory-line`). The CDAR XML is built and checked against its official XSD
by `pyfrctc` (pinned: the library is alpha). Network errors and the platform's error payloads
become French `ApplicationError`s."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import Message
from pathlib import PurePosixPath
from typing import Any, Protocol
from urllib.parse import quote

import requests
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from pyfrctc import generate_cdar

from perspectives.core.exceptions import ApplicationError

TIMEOUT_SECONDS = 20
MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
PAGE_SIZE = 100  # the Flow Service's maximum `limit`
RECEIVED_TYPES = ["SupplierInvoice"]
# The lifecycle codes a buyer sends (XP Z12-012 code list), named in the CDAR (MDT-106).
STATUS_NAMES = {
    "204": "Prise en charge",
    "205": "Approuvée",
    "206": "Approuvée partiellement",
    "207": "En litige",
    "208": "Suspendue",
    "210": "Refusée",
    "211": "Paiement transmis",
}
CDAR_GUIDELINE = "urn.cpro.gouv.fr:1p0:CDV:invoice"
CDAR_LIFECYCLE_TYPE = 23  # the acknowledgement document's type: an invoice's lifecycle status
SCHEME_SIREN = "0002"
SCHEME_ELECTRONIC_ADDRESS = "0225"  # French taxpayers' electronic addresses
EXTENSIONS = {"CII": "xml", "UBL": "xml", "Factur-X": "pdf"}


@dataclass(frozen=True)
class ReceivedDocument:
    platform_id: str
    filename: str
    content: bytes
    updated_at: str = ""  # the flow's `updatedAt`: the cursor of the next search


@dataclass(frozen=True)
class InvoiceReference:
    """What a lifecycle status names: the received invoice, its seller and its buyer."""

    platform_id: str
    number: str
    issue_date: dt.date
    seller_siren: str
    seller_name: str
    buyer_siren: str
    buyer_name: str
    type_code: str = "380"  # UNTDID 1001


class PlatformConnector(Protocol):
    def fetch_received(self, *, since: str = "") -> Iterator[ReceivedDocument]:
        """Supplier invoices received after the `updatedAt` `since` (oldest first)."""

    def send_status(self, *, invoice: InvoiceReference, code: str, reason: str = "") -> None:
        """The buyer's lifecycle status of a received invoice."""

    def register_address(self, *, siren: str, address: str, label: str) -> None:
        """A routing address of the cooperative in the directory (annuaire)."""


HTTP_MEANINGS: dict[int, str] = {
    400: gettext_noop("requête refusée"),
    401: gettext_noop("jeton d'accès refusé"),
    403: gettext_noop("accès interdit"),
    404: gettext_noop("introuvable"),
    408: gettext_noop("délai dépassé"),
    413: gettext_noop("fichier trop volumineux"),
    422: gettext_noop("données incohérentes"),
    429: gettext_noop("trop de requêtes, réessayez plus tard"),
}


def _error_detail(response: requests.Response) -> str:
    """The platform's own words: the Flow Service's `{errorCode, errorMessage}` or the Directory
    Service's problem details `{message, details}`."""
    try:
        payload = response.json()
    except ValueError:
        return ""
    if not isinstance(payload, dict):
        return ""
    parts = [
        str(payload[key])
        for key in ("errorCode", "errorMessage", "message", "details")
        if payload.get(key)
    ]
    return " – ".join(parts)[:300]


def _filename(response: requests.Response, flow: dict[str, Any]) -> str:
    header = Message()
    header["Content-Disposition"] = response.headers.get("Content-Disposition", "")
    name = PurePosixPath((header.get_filename() or "").replace("\\", "/")).name
    extension = EXTENSIONS.get(str(flow.get("flowSyntax")), "xml")
    return name[:255] or f"{flow['flowId']}.{extension}"


def _when(stamp: str) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(stamp)
    except ValueError as exc:
        raise ApplicationError(
            _("La plateforme a donné une date illisible : %(value)s.") % {"value": stamp[:40]}
        ) from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


class AfnorPlatformConnector:
    def __init__(
        self,
        *,
        flow_url: str,
        directory_url: str,
        token: str,
        session: requests.Session | None = None,
    ) -> None:
        for url in (flow_url, directory_url):
            if not url.startswith(("https://", "http://127.0.0.1", "http://localhost")):
                raise ApplicationError(_("L'adresse de la plateforme doit être en HTTPS."))
        self.flow_url = flow_url.rstrip("/")
        self.directory_url = directory_url.rstrip("/")
        self.token = token
        self.session = session or requests.Session()

    def _call(self, method: str, url: str, path: str, **kwargs: Any) -> requests.Response:
        try:
            response = self.session.request(
                method,
                f"{url}{path}",
                headers={"Authorization": f"Bearer {self.token}"},
                timeout=TIMEOUT_SECONDS,
                stream=True,
                **kwargs,
            )
        except requests.RequestException as exc:
            raise ApplicationError(
                _("Plateforme injoignable (%(path)s) : %(error)s.")
                % {"path": path, "error": exc.__class__.__name__}
            ) from exc
        if response.status_code >= 400:
            status = response.status_code
            meaning = HTTP_MEANINGS.get(
                status, gettext_noop("erreur de la plateforme, réessayez plus tard")
            )
            detail = _error_detail(response)
            raise ApplicationError(
                _("La plateforme a répondu %(status)s (%(meaning)s) à %(request)s%(detail)s.")
                % {
                    "status": status,
                    "meaning": _(meaning),
                    "request": f"{method} {path}",
                    "detail": f" : {detail}" if detail else "",
                }
            )
        return response

    def _content(self, response: requests.Response, path: str) -> bytes:
        content = bytearray()
        for chunk in response.iter_content(chunk_size=64 * 1024):
            content.extend(chunk)
            if len(content) > MAX_DOCUMENT_BYTES:
                response.close()
                raise ApplicationError(
                    _("La plateforme a envoyé plus de 10 Mo pour %(path)s : refusé.")
                    % {"path": path}
                )
        return bytes(content)

    def _json(self, method: str, url: str, path: str, **kwargs: Any) -> dict[str, Any]:
        response = self._call(method, url, path, **kwargs)
        try:
            payload = json.loads(self._content(response, path) or b"{}")
        except ValueError as exc:
            raise ApplicationError(
                _("La plateforme a donné une réponse illisible à %(path)s.") % {"path": path}
            ) from exc
        if not isinstance(payload, dict):
            raise ApplicationError(
                _("La plateforme a donné une réponse illisible à %(path)s.") % {"path": path}
            )
        return payload

    def _search(self, since: str) -> list[dict[str, Any]]:
        where: dict[str, Any] = {"flowDirection": ["In"], "flowType": RECEIVED_TYPES}
        if since:
            where["updatedAfter"] = since
        payload = self._json(
            "POST", self.flow_url, "/v1/flows/search", json={"limit": PAGE_SIZE, "where": where}
        )
        flows = [
            flow
            for flow in payload.get("results") or []
            if isinstance(flow, dict) and flow.get("flowId") and flow.get("updatedAt")
        ]
        return sorted(flows, key=lambda flow: _when(str(flow["updatedAt"])))

    def fetch_received(self, *, since: str = "") -> Iterator[ReceivedDocument]:
        cursor = since
        while True:
            flows = self._search(cursor)
            for flow in flows:
                path = f"/v1/flows/{quote(str(flow['flowId']), safe='')}"
                response = self._call("GET", self.flow_url, path, params={"docType": "Original"})
                yield ReceivedDocument(
                    platform_id=str(flow["flowId"]),
                    filename=_filename(response, flow),
                    content=self._content(response, path),
                    updated_at=str(flow["updatedAt"]),
                )
            # `updatedAfter` is strict: a page shorter than the limit is the last one.
            if len(flows) < PAGE_SIZE or str(flows[-1]["updatedAt"]) == cursor:
                return
            cursor = str(flows[-1]["updatedAt"])

    def _cdar(self, *, invoice: InvoiceReference, code: str, reason: str) -> bytes:
        now = timezone.now().astimezone(dt.UTC).replace(tzinfo=None)
        status: dict[str, Any] = {}
        if reason:
            status = {"MDT-114": reason[:300]}
        data: dict[str, Any] = {
            "MDT-2": "REGULATED",
            "MDT-3": CDAR_GUIDELINE,
            "MDT-4": f"{invoice.number}_{invoice.type_code}_{invoice.issue_date:%Y-%m-%d}"
            f"#{code}_{now:%Y%m%d%H%M%S}",
            "MDT-8": now,
            "MDT-21": "BY",
            "MDT-38": {SCHEME_SIREN: invoice.buyer_siren},
            "MDT-39": invoice.buyer_name,
            "MDT-40": "BY",
            "MDT-57": {SCHEME_SIREN: invoice.seller_siren} if invoice.seller_siren else {},
            "MDT-58": invoice.seller_name,
            "MDT-59": "SE",
            "MDT-73": invoice.seller_siren or invoice.seller_name,
            "MDT-73-1": SCHEME_ELECTRONIC_ADDRESS,
            "MDT-74": False,
            "MDT-77": CDAR_LIFECYCLE_TYPE,
            "MDT-78": now,
            "MDT-87": invoice.number,
            "MDT-91": invoice.type_code,
            "MDT-100": invoice.issue_date,
            "MDT-105": code,
            "MDT-106": STATUS_NAMES.get(code, code),
            "MDT-129": {SCHEME_SIREN: invoice.seller_siren} if invoice.seller_siren else {},
            "MDG-37": [status] if status else [],
        }
        try:
            return bytes(generate_cdar(data))
        except Exception as exc:  # the library raises bare Exceptions
            raise ApplicationError(
                _("Le statut %(code)s de la facture %(number)s n'a pas pu être établi : %(error)s")
                % {"code": code, "number": invoice.number, "error": str(exc)[:200]}
            ) from exc

    def send_status(self, *, invoice: InvoiceReference, code: str, reason: str = "") -> None:
        xml = self._cdar(invoice=invoice, code=code, reason=reason)
        name = f"cdar_{code}_{invoice.platform_id}.xml"[:255]
        flow_info = {
            "flowSyntax": "CDAR",
            "processingRule": "B2B",
            "name": name,
            "sha256": hashlib.sha256(xml).hexdigest(),
        }
        self._json(
            "POST",
            self.flow_url,
            "/v1/flows",
            files={
                "flowInfo": (None, json.dumps(flow_info), "application/json"),
                "file": (name, xml, "application/xml"),
            },
        )

    def register_address(self, *, siren: str, address: str, label: str) -> None:
        """A directory line for the SIREN, or for `SIREN_<suffix>` (an addressing suffix under
        it). The AFNOR line has no label: the platform shows the company's registered name."""
        information = {"siren": siren}
        if address != siren:
            information["addressingSuffix"] = address.removeprefix(f"{siren}_")
        self._json(
            "POST",
            self.directory_url,
            "/v1/directory-line",
            json={
                "period": {"dateFrom": timezone.localdate().isoformat()},
                "addressingInformation": information,
            },
        )
