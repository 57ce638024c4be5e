"""The connection to the cooperative's accredited platform (plateforme agréée, PA).

One interface, `PlatformConnector`, for what the cooperative needs from its PA. As a buyer: fetch
the invoices received since the last call, send the buyer's lifecycle statuses back, and register
the cooperative's routing addresses in the directory. As a seller: submit an invoice (Factur-X,
found again by its `trackingId` so that it is never submitted twice), fetch the lifecycle
statuses of the invoices it issued (`CustomerInvoiceLC` flows), and send the seller's own
statuses (212 Encaissée, with the amount received). `AfnorPlatformConnector` speaks the API every
PA publishes, AFNOR XP Z12-013: the Flow Service 1.1.0 (`POST /v1/flows/search` for the flows
received, paged by `updatedAfter`; `GET /v1/flows/{flowId}?docType=Original` for the file;
`POST /v1/flows` to submit an invoice, or a lifecycle status as a CDAR message) and the
Directory Service 1.1.0 (`POST /v1/directory-line`). The CDAR XML is built and checked against
its official XSD by `pyfrctc` (pinned: the library is alpha). Network errors and the platform's
error payloads become French `ApplicationError`s."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from email.message import Message
from pathlib import PurePosixPath
from typing import Any, Protocol
from urllib.parse import quote

import requests
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from lxml import etree
from pyfrctc import check_cdar_xsd, generate_cdar, parse_cdar

from perspectives.core.exceptions import ApplicationError
from perspectives.core.secrets import SecretUnreadable, decrypt, encrypt
from purchases.reason_codes import DEFAULT_REASON_CODES

TIMEOUT_SECONDS = 20
MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
PAGE_SIZE = 100  # the Flow Service's maximum `limit`
RECEIVED_TYPES = ["SupplierInvoice"]
ISSUED_TYPES = ["CustomerInvoice"]
ISSUED_LIFECYCLE_TYPES = ["CustomerInvoiceLC"]
# The e-reporting flows the cooperative sends (flux 10.3, 10.4: B2C transactions, payments).
REPORT_TYPES = ["AggregatedCustomerTransactionReport", "AggregatedCustomerPaymentReport"]
# The lifecycle codes (XP Z12-012 code list) a buyer or a seller sends, named in the CDAR
# (MDT-106).
STATUS_NAMES = {
    "204": "Prise en charge",
    "205": "Approuvée",
    "206": "Approuvée partiellement",
    "207": "En litige",
    "208": "Suspendue",
    "210": "Refusée",
    "211": "Paiement transmis",
    "212": "Encaissée",
}
# The characteristic a 212 carries: the amount received (MDT-207 code "MEN", montant encaissé),
# one per VAT rate with that rate (MDT-224), as the French rule BR-FR-CDV-14 requires.
AMOUNT_RECEIVED = "MEN"
SELLER, BUYER = "SE", "BY"
CDAR_GUIDELINE = "urn.cpro.gouv.fr:1p0:CDV:invoice"
CDAR_LIFECYCLE_TYPE = 23  # the acknowledgement document's type: an invoice's lifecycle status
SCHEME_SIREN = "0002"
RAM_NS = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
SCHEME_ELECTRONIC_ADDRESS = "0225"  # French taxpayers' electronic addresses
EXTENSIONS = {"CII": "xml", "UBL": "xml", "Factur-X": "pdf"}


@dataclass(frozen=True)
class ClientCredentials:
    """OAuth2 client credentials (RFC 6749 §4.4) to obtain access tokens from `token_url`.
    `cache_key` names the cooperative's cached token (kept encrypted until it expires)."""

    token_url: str
    client_id: str
    client_secret: str
    cache_key: str


# A token is dropped this long before the expiry the platform gave, not to use it as it expires.
TOKEN_EXPIRY_MARGIN_SECONDS = 30
TOKEN_DEFAULT_LIFETIME_SECONDS = 300  # when the platform gives no `expires_in`


@dataclass(frozen=True)
class ReceivedDocument:
    platform_id: str
    filename: str
    content: bytes
    updated_at: str = ""  # the flow's `updatedAt`: the cursor of the next search
    tracking_id: str = ""  # the flow's `trackingId`, when the platform gives one


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


@dataclass(frozen=True)
class OutgoingInvoice:
    """An issued invoice or credit note handed to the platform; `tracking_id` is our own id of
    the document (≤ 36 characters), by which the platform's flow is found again."""

    tracking_id: str
    filename: str
    content: bytes
    syntax: str = "Factur-X"
    processing_rule: str = "B2B"


@dataclass(frozen=True)
class LifecycleMessage:
    """A lifecycle status of an issued invoice, read from the CDAR of a `CustomerInvoiceLC`."""

    flow_id: str
    invoice_number: str
    code: str
    reason: str = ""
    amount: Decimal | None = None
    at: dt.datetime | None = None
    updated_at: str = ""  # the flow's `updatedAt`: the cursor of the next search
    # What names the invoice besides its number: the platform's flow id of the invoice (the
    # CDAR's referenced document `GlobalID`), the `trackingId` we gave it (the status flow's
    # `trackingId`), when the platform gives them; its issue date and seller's SIREN (MDT-100,
    # MDT-129).
    invoice_flow_id: str = ""
    tracking_id: str = ""
    issue_date: dt.date | None = None
    seller_siren: str = ""


class PlatformConnector(Protocol):
    def fetch_received(self, *, since: str = "") -> Iterator[ReceivedDocument]:
        """Supplier invoices received after the `updatedAt` `since` (oldest first)."""

    def send_status(
        self,
        *,
        invoice: InvoiceReference,
        code: str,
        reason: str = "",
        sender_role: str = BUYER,
        amount: Decimal | None = None,
        tracking_id: str = "",
        reason_code: str = "",
        amounts_by_rate: Sequence[tuple[Decimal, Decimal]] = (),
    ) -> None:
        """A lifecycle status: the buyer's of a received invoice, or (`sender_role=SELLER`) the
        seller's of an issued one, 212 with the amount received per VAT rate
        (`amounts_by_rate`: amount including VAT, rate), or the `amount` alone. A status
        already sent under the same `tracking_id` (given) is not sent again."""

    def submit_invoice(self, *, invoice: OutgoingInvoice) -> str:
        """Submit an issued invoice; the flow id. One already submitted under the same
        `tracking_id` is not submitted again: its flow id is returned."""

    def submit_report(self, *, report: OutgoingInvoice) -> str:
        """Submit an e-reporting report (flux 10, syntax FRR); the flow id. One already
        submitted under the same `tracking_id` is not submitted again."""

    def fetch_lifecycle(self, *, since: str = "") -> Iterator[LifecycleMessage]:
        """Lifecycle statuses of the issued invoices after the `updatedAt` `since`; a CDAR that
        cannot be read comes as a message without code, its `reason` saying why."""

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
        token: str = "",
        credentials: ClientCredentials | None = None,
        session: requests.Session | None = None,
    ) -> None:
        urls = [flow_url, directory_url] + ([credentials.token_url] if credentials else [])
        for url in urls:
            if not url.startswith(("https://", "http://127.0.0.1", "http://localhost")):
                raise ApplicationError(_("L'adresse de la plateforme doit être en HTTPS."))
        self.flow_url = flow_url.rstrip("/")
        self.directory_url = directory_url.rstrip("/")
        self.token = token
        self.credentials = credentials
        self.session = session or requests.Session()

    def _access_token(self, *, renew: bool = False) -> str:
        """The fixed token, or one obtained with the client credentials: cached (encrypted) per
        cooperative until shortly before it expires, obtained again when `renew`."""
        credentials = self.credentials
        if credentials is None:
            return self.token
        if not renew:
            cached = cache.get(credentials.cache_key)
            if cached:
                try:
                    return decrypt(str(cached))
                except SecretUnreadable:
                    pass  # a key rotated since: obtain a new token
        token, lifetime = self._token_request(credentials)
        timeout = lifetime - TOKEN_EXPIRY_MARGIN_SECONDS
        if timeout > 0:
            cache.set(credentials.cache_key, encrypt(token), timeout)
        else:
            cache.delete(credentials.cache_key)
        return token

    def _token_request(self, credentials: ClientCredentials) -> tuple[str, int]:
        """An access token and its lifetime in seconds from the token endpoint (client
        authentication by HTTP Basic, RFC 6749 §2.3.1)."""
        try:
            response = self.session.post(
                credentials.token_url,
                data={"grant_type": "client_credentials"},
                auth=(credentials.client_id, credentials.client_secret),
                headers={"Accept": "application/json"},
                timeout=TIMEOUT_SECONDS,
            )
        except requests.RequestException as exc:
            raise ApplicationError(
                _("Plateforme injoignable (obtention du jeton) : %(error)s.")
                % {"error": exc.__class__.__name__}
            ) from exc
        try:
            payload = response.json()
        except ValueError:
            payload = {}
        if not isinstance(payload, dict):
            payload = {}
        if response.status_code in (400, 401) and payload.get("error") in (
            "invalid_client",
            "unauthorized_client",
        ):
            raise ApplicationError(
                _(
                    "La plateforme a refusé l'identifiant client ou le secret OAuth2 "
                    "(%(error)s) : vérifiez-les dans les réglages des achats."
                )
                % {"error": payload["error"]}
            )
        token = payload.get("access_token")
        if response.status_code >= 400 or not isinstance(token, str) or not token:
            detail = str(payload.get("error_description") or payload.get("error") or "")[:200]
            raise ApplicationError(
                _("La plateforme n'a pas délivré de jeton d'accès (HTTP %(status)s)%(detail)s.")
                % {"status": response.status_code, "detail": f" : {detail}" if detail else ""}
            )
        try:
            lifetime = int(payload.get("expires_in") or TOKEN_DEFAULT_LIFETIME_SECONDS)
        except (TypeError, ValueError):
            lifetime = TOKEN_DEFAULT_LIFETIME_SECONDS
        return token, lifetime

    def _send(
        self, method: str, url: str, path: str, token: str, **kwargs: Any
    ) -> requests.Response:
        try:
            return self.session.request(
                method,
                f"{url}{path}",
                headers={"Authorization": f"Bearer {token}"},
                timeout=TIMEOUT_SECONDS,
                stream=True,
                **kwargs,
            )
        except requests.RequestException as exc:
            raise ApplicationError(
                _("Plateforme injoignable (%(path)s) : %(error)s.")
                % {"path": path, "error": exc.__class__.__name__}
            ) from exc

    def _call(self, method: str, url: str, path: str, **kwargs: Any) -> requests.Response:
        response = self._send(method, url, path, self._access_token(), **kwargs)
        if response.status_code == 401 and self.credentials is not None:
            # The cached token expired or was revoked early: one new token, one more try.
            response.close()
            response = self._send(method, url, path, self._access_token(renew=True), **kwargs)
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

    def _search(
        self, since: str, *, flow_types: list[str] = RECEIVED_TYPES
    ) -> list[dict[str, Any]]:
        where: dict[str, Any] = {"flowDirection": ["In"], "flowType": flow_types}
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

    def _flows(self, since: str, flow_types: list[str]) -> Iterator[ReceivedDocument]:
        """Every incoming flow of `flow_types` after `since`, with its file, oldest first."""
        cursor = since
        while True:
            flows = self._search(cursor, flow_types=flow_types)
            for flow in flows:
                path = f"/v1/flows/{quote(str(flow['flowId']), safe='')}"
                response = self._call("GET", self.flow_url, path, params={"docType": "Original"})
                yield ReceivedDocument(
                    platform_id=str(flow["flowId"]),
                    filename=_filename(response, flow),
                    content=self._content(response, path),
                    updated_at=str(flow["updatedAt"]),
                    tracking_id=str(flow.get("trackingId") or "")[:36],
                )
            # `updatedAfter` is strict: a page shorter than the limit is the last one.
            if len(flows) < PAGE_SIZE or str(flows[-1]["updatedAt"]) == cursor:
                return
            cursor = str(flows[-1]["updatedAt"])

    def fetch_received(self, *, since: str = "") -> Iterator[ReceivedDocument]:
        return self._flows(since, RECEIVED_TYPES)

    def fetch_lifecycle(self, *, since: str = "") -> Iterator[LifecycleMessage]:
        for document in self._flows(since, ISSUED_LIFECYCLE_TYPES):
            yield _lifecycle_message(document)

    def _cdar(
        self,
        *,
        invoice: InvoiceReference,
        code: str,
        reason: str = "",
        sender_role: str = BUYER,
        amount: Decimal | None = None,
        reason_code: str = "",
        amounts_by_rate: Sequence[tuple[Decimal, Decimal]] = (),
    ) -> bytes:
        now = timezone.now().astimezone(dt.UTC).replace(tzinfo=None)
        status: dict[str, Any] = {}
        # A refusal, a dispute, a partial approval or a suspension states its reason as a code
        # (MDT-113, BR-FR-CDV-15) from its status's list (`purchases.reason_codes`); the text
        # (MDT-114) explains it.
        reason_code = reason_code or DEFAULT_REASON_CODES.get(code, "")
        if reason_code:
            status["MDT-113"] = reason_code
        if reason:
            status["MDT-114"] = reason[:300]
        received: list[tuple[Decimal, Decimal | None]] = list(amounts_by_rate) or (
            [(amount, None)] if amount is not None else []
        )
        if received:
            status["MDG-43"] = [
                {"MDT-207": AMOUNT_RECEIVED, "MDT-215": {"float": str(value), "currency": "EUR"}}
                for value, _rate in received
            ]
        sender = (invoice.buyer_siren, invoice.buyer_name)
        recipient = (invoice.seller_siren, invoice.seller_name)
        recipient_role = SELLER
        if sender_role == SELLER:
            sender, recipient, recipient_role = recipient, sender, BUYER
        data: dict[str, Any] = {
            "MDT-2": "REGULATED",
            "MDT-3": CDAR_GUIDELINE,
            "MDT-4": f"{invoice.number}_{invoice.type_code}_{invoice.issue_date:%Y-%m-%d}"
            f"#{code}_{now:%Y%m%d%H%M%S}",
            "MDT-8": now,
            "MDT-21": sender_role,
            "MDT-38": {SCHEME_SIREN: sender[0]},
            "MDT-39": sender[1],
            "MDT-40": sender_role,
            "MDT-57": {SCHEME_SIREN: recipient[0]} if recipient[0] else {},
            "MDT-58": recipient[1],
            "MDT-59": recipient_role,
            "MDT-73": recipient[0] or recipient[1],
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
            xml = bytes(generate_cdar(data))
            rates = [rate for _value, rate in received]
            return _with_vat_rates(xml, rates) if any(r is not None for r in rates) else xml
        except Exception as exc:  # the library raises bare Exceptions
            raise ApplicationError(
                _("Le statut %(code)s de la facture %(number)s n'a pas pu être établi : %(error)s")
                % {"code": code, "number": invoice.number, "error": str(exc)[:200]}
            ) from exc

    def send_status(
        self,
        *,
        invoice: InvoiceReference,
        code: str,
        reason: str = "",
        sender_role: str = BUYER,
        amount: Decimal | None = None,
        tracking_id: str = "",
        reason_code: str = "",
        amounts_by_rate: Sequence[tuple[Decimal, Decimal]] = (),
    ) -> None:
        if tracking_id and self._submitted(tracking_id, flow_types=ISSUED_LIFECYCLE_TYPES):
            return
        xml = self._cdar(
            invoice=invoice,
            code=code,
            reason=reason,
            sender_role=sender_role,
            amount=amount,
            reason_code=reason_code,
            amounts_by_rate=amounts_by_rate,
        )
        name = f"cdar_{code}_{invoice.platform_id}.xml"[:255]
        flow_info = {
            "flowSyntax": "CDAR",
            "processingRule": "B2B",
            "name": name,
            "sha256": hashlib.sha256(xml).hexdigest(),
            **({"trackingId": tracking_id} if tracking_id else {}),
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

    def _submitted(self, tracking_id: str, *, flow_types: list[str] = ISSUED_TYPES) -> str:
        """The flow id of what we already submitted under `tracking_id`, or ""."""
        payload = self._json(
            "POST",
            self.flow_url,
            "/v1/flows/search",
            json={
                "limit": 1,
                "where": {
                    "flowDirection": ["Out"],
                    "flowType": flow_types,
                    "trackingId": tracking_id,
                },
            },
        )
        for flow in payload.get("results") or []:
            if isinstance(flow, dict) and flow.get("flowId"):
                return str(flow["flowId"])
        return ""

    def submit_invoice(self, *, invoice: OutgoingInvoice) -> str:
        return self._submit(invoice, ISSUED_TYPES)

    def submit_report(self, *, report: OutgoingInvoice) -> str:
        return self._submit(report, REPORT_TYPES)

    def _submit(self, invoice: OutgoingInvoice, flow_types: list[str]) -> str:
        """Long-lived idempotency: a submission whose answer was lost (a timeout, a worker that
        died before recording it) is found again by its `trackingId` instead of sent twice."""
        existing = self._submitted(invoice.tracking_id, flow_types=flow_types)
        if existing:
            return existing
        flow_info = {
            "trackingId": invoice.tracking_id,
            "name": invoice.filename[:255],
            "flowSyntax": invoice.syntax,
            "processingRule": invoice.processing_rule,
            "sha256": hashlib.sha256(invoice.content).hexdigest(),
        }
        media = "application/pdf" if invoice.syntax == "Factur-X" else "application/xml"
        payload = self._json(
            "POST",
            self.flow_url,
            "/v1/flows",
            files={
                "flowInfo": (None, json.dumps(flow_info), "application/json"),
                "file": (invoice.filename, invoice.content, media),
            },
        )
        if not payload.get("flowId"):
            raise ApplicationError(
                _("La plateforme n'a pas donné d'identifiant au dépôt de %(name)s.")
                % {"name": invoice.filename}
            )
        return str(payload["flowId"])

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


def _with_vat_rates(xml: bytes, rates: Sequence[Decimal | None]) -> bytes:
    """The CDAR with each amount received given its VAT rate (MDT-224, `ram:ValuePercent`, last
    of the characteristic), which the library does not write; checked against the XSD again."""
    root = etree.fromstring(xml)
    characteristics = root.xpath(
        "//ram:SpecifiedDocumentCharacteristic[ram:TypeCode = $code]",
        namespaces={"ram": RAM_NS},
        code=AMOUNT_RECEIVED,
    )
    for characteristic, rate in zip(characteristics, rates, strict=True):
        if rate is not None:
            percent = etree.SubElement(characteristic, f"{{{RAM_NS}}}ValuePercent")
            percent.text = f"{rate:.2f}"
    result = bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))
    check_cdar_xsd(result)
    return result


def _lifecycle_message(document: ReceivedDocument) -> LifecycleMessage:
    """The status a CDAR carries: its code, the invoice it names, the reason of a rejection or
    refusal, the amount of a 212 (the sum of its `MEN` characteristics, one per VAT rate)."""
    try:
        cdar = parse_cdar(document.content)
    except Exception as exc:  # the library raises bare Exceptions
        # One unreadable message must not stop the ones after it: it is reported, not raised.
        return LifecycleMessage(
            flow_id=document.platform_id,
            invoice_number="",
            code="",
            reason=_("Le statut %(flow)s de la plateforme est illisible : %(error)s")
            % {"flow": document.platform_id, "error": str(exc)[:200]},
            updated_at=document.updated_at,
        )
    statuses = cdar.get("doc_status") or []
    reason = " ".join(
        str(s.get("reason_txt") or s.get("reason_code") or "") for s in statuses
    ).strip()
    amount = None
    for status in statuses:
        for characteristic in status.get("doc_characteristics") or []:
            value = characteristic.get("amount")
            if characteristic.get("type_code") == AMOUNT_RECEIVED and isinstance(value, dict):
                # The library reads the amount as a float: back to cents, exactly.
                try:
                    part = Decimal(str(value.get("float"))).quantize(Decimal("0.01"))
                except InvalidOperation:
                    continue
                # One amount per VAT rate: the receipt is their sum.
                amount = part if amount is None else amount + part
    reference = _cdar_reference(document.content)
    return LifecycleMessage(
        flow_id=document.platform_id,
        invoice_number=str(cdar.get("invoice_number") or ""),
        code=str(cdar.get("status_code") or ""),
        reason=reason[:500],
        amount=amount,
        at=_cdar_moment(cdar.get("lc_datetime")),
        updated_at=document.updated_at,
        invoice_flow_id=reference.get("flow_id", "")[:100],
        tracking_id=document.tracking_id,
        issue_date=_cdar_date(reference.get("issue_date", "")),
        seller_siren=reference.get("seller_siren", "")[:9],
    )


CDAR_REFERENCE = (
    "/*[local-name()='CrossDomainAcknowledgementAndResponse']"
    "/*[local-name()='AcknowledgementDocument']/*[local-name()='ReferenceReferencedDocument']"
)


def _cdar_reference(content: bytes) -> dict[str, str]:
    """What the CDAR's referenced document says of the invoice beyond its number (the library
    does not read it): its `GlobalID`, issue date and issuer's SIREN. Read after the library
    checked the XML against the XSD."""
    root = etree.fromstring(content, parser=etree.XMLParser(resolve_entities=False))
    found = {
        "flow_id": root.xpath(f"string({CDAR_REFERENCE}/*[local-name()='GlobalID'])"),
        "issue_date": root.xpath(
            f"string({CDAR_REFERENCE}/*[local-name()='FormattedIssueDateTime']/*)"
        ),
        "seller_siren": root.xpath(
            f"string({CDAR_REFERENCE}/*[local-name()='IssuerTradeParty']"
            f"/*[local-name()='GlobalID'][@schemeID='{SCHEME_SIREN}'])"
        ),
    }
    return {key: str(value).strip() for key, value in found.items()}


def _cdar_date(value: str) -> dt.date | None:
    """A date in the CDAR's format 102 (YYYYMMDD)."""
    try:
        return dt.datetime.strptime(value, "%Y%m%d").date()  # noqa: DTZ007 (a date only)
    except ValueError:
        return None


def _cdar_moment(value: object) -> dt.datetime | None:
    """The CDAR's date-time (MDT-8), which the library reads as a naive UTC datetime."""
    if not isinstance(value, dt.datetime):
        return None
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
