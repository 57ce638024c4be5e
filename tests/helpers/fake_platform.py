"""A local accredited platform (PA) for the tests, implementing the published AFNOR XP Z12-013
APIs the connector uses, served on 127.0.0.1 by a thread:

- Flow Service 1.1.0 under `/flow-service`: `POST /v1/flows/search` (filters, `trackingId`,
  `limit` ≤ 100, paging by a strict `updatedAfter`), `GET /v1/flows/{flowId}` (`docType`
  Metadata or Original, the file with its Content-Disposition), `POST /v1/flows` (multipart
  `flowInfo` + `file`, the sha256 checked, a CDAR checked against its XSD and read back, a
  Factur-X invoice recorded with its `trackingId` and processing rule, an e-reporting (FRR)
  checked against the flux 10 XSD and kept);
- Directory Service 1.1.0 under `/directory-service`: `POST /v1/directory-line`.

Every call needs the Bearer token (401 otherwise). For a platform that issues its tokens,
`POST /oauth/token` grants one for the client credentials (RFC 6749 §4.4, HTTP Basic client
authentication; `invalid_client` otherwise); each token granted replaces the one before.
Request bodies are checked against the spec's schemas where it is cheap (required fields,
enums, patterns, lengths); errors use each service's shape: `{errorCode, errorMessage}` for
flows, problem details for the directory. `fail_next` queues a canned error answer for the next
calls. `receive` queues a supplier invoice for the cooperative, `lifecycle` a status of an
invoice it issued (a `CustomerInvoiceLC` CDAR, as the platform or the buyer emits it)."""

from __future__ import annotations

import base64
import datetime as dt
import email.parser
import email.policy
import hashlib
import json
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlparse

from lxml import etree
from pyfrctc import check_ereporting_xsd, parse_cdar

from purchases.platform import AfnorPlatformConnector, InvoiceReference

FLOW_ROOT = "/flow-service"
DIRECTORY_ROOT = "/directory-service"
TOKEN_PATH = "/oauth/token"
START = dt.datetime(2026, 9, 1, 8, 0, tzinfo=dt.UTC)

PROCESSING_RULES = {"B2B", "B2BInt", "B2C", "OutOfScope", "ArchiveOnly", "NotApplicable"}
FLOW_SYNTAXES = {"CII", "UBL", "Factur-X", "CDAR", "FRR"}
FLOW_PROFILES = {"Basic", "CIUS", "Extended-CTC-FR"}
FLOW_TYPES = {
    "CustomerInvoice",
    "SupplierInvoice",
    "StateInvoice",
    "CustomerInvoiceLC",
    "SupplierInvoiceLC",
    "StateCustomerInvoiceLC",
    "StateSupplierInvoiceLC",
    "AggregatedCustomerTransactionReport",
    "UnitaryCustomerTransactionReport",
    "AggregatedCustomerPaymentReport",
    "UnitaryCustomerPaymentReport",
    "UnitarySupplierTransactionReport",
    "MultiFlowReport",
}
FLOW_DIRECTIONS = {"In", "Out"}
ACK_STATUSES = {"Pending", "Ok", "Error"}
DOC_TYPES = {"Metadata", "Original", "Converted", "ReadableView"}
SEARCH_LISTS = {
    "flowDirection": FLOW_DIRECTIONS,
    "flowType": FLOW_TYPES,
    "processingRule": PROCESSING_RULES,
}
SEARCH_CRITERIA = {*SEARCH_LISTS, "updatedAfter", "updatedBefore", "trackingId", "ackStatus"}
# The seller's own statuses travel as CustomerInvoiceLC, the buyer's as SupplierInvoiceLC.
SELLER_CODES = {"212"}
PLATFORM_ROLE = "WK"  # the CDAR role of a platform emitting a status (200, 213)
ADDRESSING_FIELDS = {
    "siren": re.compile(r"[0-9]{9}"),
    "siret": re.compile(r"[0-9]{14}"),
    "routingIdentifier": re.compile(r"(?!\s+$)[\-_/a-zA-Z0-9]{1,100}"),
    "addressingSuffix": re.compile(r".{1,100}"),
}
MEDIA_TYPES = {"Factur-X": "application/pdf", "CDAR": "application/xml"}


class Refused(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def stamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def _date_time(value: Any, name: str) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(str(value))
    except ValueError:
        raise Refused(400, "INVALID_FIELD", f"{name} is not a date-time") from None
    if moment.tzinfo is None:
        raise Refused(400, "INVALID_FIELD", f"{name} has no time zone")
    return moment


@dataclass
class Flow:
    flow_id: str
    filename: str
    content: bytes
    updated_at: dt.datetime
    syntax: str
    flow_type: str = "SupplierInvoice"
    direction: str = "In"
    processing_rule: str = "B2B"
    tracking_id: str = ""

    def metadata(self) -> dict[str, Any]:
        return {
            "flowId": self.flow_id,
            **({"trackingId": self.tracking_id} if self.tracking_id else {}),
            "submittedAt": stamp(self.updated_at),
            "updatedAt": stamp(self.updated_at),
            "flowType": self.flow_type,
            "processingRule": self.processing_rule,
            "processingRuleSource": "Computed",
            "flowDirection": self.direction,
            "flowSyntax": self.syntax,
            "acknowledgement": {"status": "Ok"},
        }


RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"


def _with_global_id(content: bytes, flow_id: str) -> bytes:
    """The CDAR with its referenced document's `GlobalID` (after `TypeCode`, as the XSD
    orders it): the platform's id of the invoice's flow."""
    root = etree.fromstring(content)
    [type_code] = root.xpath(
        "//ram:ReferenceReferencedDocument/ram:TypeCode", namespaces={"ram": RAM}
    )
    global_id = etree.Element(f"{{{RAM}}}GlobalID")
    global_id.text = flow_id
    type_code.addnext(global_id)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))


@dataclass
class FakePlatform:
    token: str
    url: str = ""
    flows: list[Flow] = field(default_factory=list)
    cdars: list[dict[str, Any]] = field(default_factory=list)  # the CDARs submitted, read back
    invoices: list[dict[str, Any]] = field(default_factory=list)  # the invoices submitted
    reports: list[Any] = field(default_factory=list)  # the e-reporting XML trees submitted
    directory: list[dict[str, Any]] = field(default_factory=list)  # the lines created
    searches: list[dict[str, Any]] = field(default_factory=list)  # the `where` of each search
    requests: list[str] = field(default_factory=list)
    fail_next: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    clock: dt.datetime = START
    client_id: str = "perspectives"
    client_secret: str = "client-secret"
    token_lifetime: int = 3600  # the `expires_in` of the tokens granted
    tokens_granted: int = 0

    @property
    def token_url(self) -> str:
        return f"{self.url}{TOKEN_PATH}"

    def grant(self, authorization: str, body: bytes) -> tuple[int, dict[str, Any]]:
        """The token endpoint's answer to client credentials."""
        expected = base64.b64encode(f"{self.client_id}:{self.client_secret}".encode()).decode()
        if parse_qs(body.decode()).get("grant_type") != ["client_credentials"]:
            return 400, {"error": "unsupported_grant_type"}
        if authorization != f"Basic {expected}":
            return 401, {"error": "invalid_client", "error_description": "Bad client credentials"}
        self.tokens_granted += 1
        self.token = f"oauth-token-{self.tokens_granted}"
        return 200, {
            "access_token": self.token,
            "token_type": "Bearer",
            "expires_in": self.token_lifetime,
        }

    @property
    def flow_url(self) -> str:
        return f"{self.url}{FLOW_ROOT}"

    @property
    def directory_url(self) -> str:
        return f"{self.url}{DIRECTORY_ROOT}"

    def _tick(self) -> dt.datetime:
        self.clock += dt.timedelta(seconds=1)
        return self.clock

    def receive(self, flow_id: str, filename: str, content: bytes) -> Flow:
        """A supplier invoice arriving for the cooperative."""
        syntax = "Factur-X" if content.startswith(b"%PDF") else "CII"
        if b"urn:oasis:names:specification:ubl" in content[:2000]:
            syntax = "UBL"
        flow = Flow(flow_id, filename, content, self._tick(), syntax)
        self.flows.append(flow)
        return flow

    def lifecycle(
        self,
        number: str,
        code: str,
        *,
        reason: str = "",
        seller_siren: str = "",
        issue_date: dt.date | None = None,
        invoice_flow_id: str = "",
        tracking_id: str = "",
    ) -> Flow:
        """A lifecycle status of an invoice the cooperative issued, waiting for it as an
        incoming `CustomerInvoiceLC` flow (a CDAR checked against its XSD). The platform may
        name the invoice's flow (`invoice_flow_id`, as the referenced document's `GlobalID`)
        and the `trackingId` the cooperative gave it (in the status flow's metadata)."""
        connector = AfnorPlatformConnector(
            flow_url=self.flow_url, directory_url=self.directory_url, token=self.token
        )
        invoice = InvoiceReference(
            platform_id="",
            number=number,
            issue_date=issue_date or START.date(),
            seller_siren=seller_siren,
            seller_name="Vendeur",
            buyer_siren="732829320",
            buyer_name="Acheteur",
        )
        content = connector._cdar(
            invoice=invoice, code=code, reason=reason, sender_role=PLATFORM_ROLE
        )
        if invoice_flow_id:
            content = _with_global_id(content, invoice_flow_id)
        flow = Flow(
            f"lc-{len(self.flows) + 1}",
            f"cdar_{code}.xml",
            content,
            self._tick(),
            "CDAR",
            flow_type="CustomerInvoiceLC",
            tracking_id=tracking_id,
        )
        self.flows.append(flow)
        return flow

    @property
    def amounts(self) -> list[tuple[str, str, str]]:
        """(invoice number, status code, amount) of each CDAR received with an amount."""
        return [
            (cdar["invoice_number"], cdar["status_code"], f"{amount['amount']['float']:.2f}")
            for cdar in self.cdars
            for status in cdar["doc_status"]
            for amount in status.get("doc_characteristics", [])
            if "amount" in amount
        ]

    def touch(self, flow_id: str) -> None:
        """A flow updated (its acknowledgement changed): it comes back in the next search."""
        for flow in self.flows:
            if flow.flow_id == flow_id:
                flow.updated_at = self._tick()

    @property
    def statuses(self) -> list[tuple[str, str, str]]:
        """(invoice number, status code, reason) of each CDAR received."""
        return [
            (
                cdar["invoice_number"],
                cdar["status_code"],
                next((s.get("reason_txt", "") for s in cdar["doc_status"]), ""),
            )
            for cdar in self.cdars
        ]

    # The Flow Service.

    def search(self, body: Any) -> dict[str, Any]:
        if not isinstance(body, dict) or not isinstance(body.get("where"), dict):
            raise Refused(400, "MISSING_REQUIRED_FIELD", "where is required")
        limit = body.get("limit", 25)
        if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= 100:
            raise Refused(400, "INVALID_FIELD", "limit must be an integer up to 100")
        where = body["where"]
        if not set(where) & SEARCH_CRITERIA:
            raise Refused(400, "MISSING_REQUIRED_FIELD", "at least one criterion is required")
        for name, allowed in SEARCH_LISTS.items():
            values = where.get(name, [])
            if not isinstance(values, list) or not set(values) <= allowed:
                raise Refused(400, "INVALID_FIELD", f"{name} must be a list of {sorted(allowed)}")
        if "ackStatus" in where and where["ackStatus"] not in ACK_STATUSES:
            raise Refused(400, "INVALID_FIELD", "ackStatus is not an AckStatus")
        after = (
            _date_time(where["updatedAfter"], "updatedAfter") if "updatedAfter" in where else None
        )
        self.searches.append(where)
        found = [
            flow
            for flow in sorted(self.flows, key=lambda f: f.updated_at)
            if (after is None or flow.updated_at > after)
            and flow.direction in where.get("flowDirection", [flow.direction])
            and flow.flow_type in where.get("flowType", [flow.flow_type])
            and flow.processing_rule in where.get("processingRule", [flow.processing_rule])
            and where.get("trackingId", flow.tracking_id) == flow.tracking_id
        ]
        return {"limit": limit, "filters": where, "results": [f.metadata() for f in found[:limit]]}

    def find(self, flow_id: str) -> Flow:
        for flow in self.flows:
            if flow.flow_id == flow_id:
                return flow
        raise Refused(404, "MISSING_RESOURCE", "Requested resource is Not Found")

    def submit(self, parts: dict[str, tuple[str, bytes]]) -> dict[str, Any]:
        if "flowInfo" not in parts or "file" not in parts:
            raise Refused(400, "MISSING_REQUIRED_FIELD", "flowInfo and file are required")
        try:
            info = json.loads(parts["flowInfo"][1])
        except ValueError:
            raise Refused(400, "INVALID_FIELD", "flowInfo is not JSON") from None
        filename, content = parts["file"]
        checks = [
            (isinstance(info, dict), "flowInfo must be an object"),
            (info.get("flowSyntax") in FLOW_SYNTAXES, "flowSyntax is required (a FlowSyntax)"),
            (info.get("processingRule", "B2B") in PROCESSING_RULES, "bad processingRule"),
            (info.get("flowProfile", "Basic") in FLOW_PROFILES, "bad flowProfile"),
            (len(str(info.get("name", ""))) <= 255, "name is longer than 255"),
            (len(str(info.get("trackingId", ""))) <= 36, "trackingId is longer than 36"),
            (re.fullmatch(r"[a-f0-9]{64}", str(info.get("sha256", "0" * 64))), "bad sha256"),
            (content, "the file is empty"),
        ]
        for passed, message in checks:
            if not passed:
                raise Refused(400, "INVALID_FIELD", message)
        if "sha256" in info and info["sha256"] != hashlib.sha256(content).hexdigest():
            raise Refused(400, "CHECKSUM_MISMATCH", "sha256 differs from the file's")
        flow_type = "CustomerInvoice"
        if info["flowSyntax"] == "CDAR":
            try:
                cdar = parse_cdar(content)
            except Exception:
                raise Refused(400, "INVALID_SCHEMA", "the CDAR is not valid") from None
            self.cdars.append(cdar)
            seller = cdar["status_code"] in SELLER_CODES
            flow_type = "CustomerInvoiceLC" if seller else "SupplierInvoiceLC"
        elif info["flowSyntax"] == "Factur-X" and not content.startswith(b"%PDF"):
            raise Refused(400, "INVALID_SCHEMA", "a Factur-X flow is a PDF")
        elif info["flowSyntax"] == "FRR":
            try:
                report = etree.fromstring(content)
                check_ereporting_xsd(report)
            except Exception:
                raise Refused(400, "INVALID_SCHEMA", "the e-reporting is not valid") from None
            self.reports.append(report)
            flow_type = (
                "AggregatedCustomerPaymentReport"
                if report.find("PaymentsReport") is not None
                else "AggregatedCustomerTransactionReport"
            )
        flow = Flow(
            f"out-{len(self.flows) + 1}",
            info.get("name") or filename,
            content,
            self._tick(),
            info["flowSyntax"],
            flow_type=flow_type,
            direction="Out",
            processing_rule=info.get("processingRule", "B2B"),
            tracking_id=str(info.get("trackingId", "")),
        )
        self.flows.append(flow)
        if flow_type == "CustomerInvoice":
            self.invoices.append(
                {
                    "flowId": flow.flow_id,
                    "trackingId": flow.tracking_id,
                    "flowSyntax": flow.syntax,
                    "processingRule": flow.processing_rule,
                    "name": flow.filename,
                    "size": len(content),
                }
            )
        return {"flowId": flow.flow_id, "submittedAt": stamp(flow.updated_at), **info}

    # The Directory Service.

    def directory_line(self, body: Any) -> dict[str, Any]:
        if not isinstance(body, dict) or not isinstance(body.get("addressingInformation"), dict):
            raise Refused(400, "BAD_REQUEST", "addressingInformation is required")
        information = body["addressingInformation"]
        if set(information) - set(ADDRESSING_FIELDS) or "siren" not in information:
            raise Refused(400, "BAD_REQUEST", "addressingInformation: siren, siret, ... only")
        for name, pattern in ADDRESSING_FIELDS.items():
            if name in information and not pattern.fullmatch(str(information[name])):
                raise Refused(400, "BAD_REQUEST", f"{name} does not match its pattern")
        period = body.get("period", {})
        try:
            date_from = dt.date.fromisoformat(period["dateFrom"]) if period else None
        except (KeyError, TypeError, ValueError):
            raise Refused(400, "BAD_REQUEST", "period.dateFrom must be a date") from None
        identifier = "_".join(
            str(information[n])
            for n in ("siren", "siret", "routingIdentifier", "addressingSuffix")
            if n in information
        )
        if any(line["addressingIdentifier"] == identifier for line in self.directory):
            raise Refused(422, "UNPROCESSABLE", f"{identifier} already exists")
        line = {
            "idInstance": len(self.directory) + 1,
            "addressingIdentifier": identifier,
            "dateFrom": (date_from or START.date()).isoformat(),
            **information,
        }
        self.directory.append(line)
        return {k: line[k] for k in ("idInstance", "addressingIdentifier", "dateFrom")}


def _handler(platform: FakePlatform) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def _send(self, status: int, data: bytes, headers: dict[str, str]) -> None:
            self.send_response(status)
            for name, value in {**headers, "Content-Length": str(len(data))}.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def _json(self, status: int, body: Any, media: str = "application/json") -> None:
            self._send(status, json.dumps(body).encode(), {"Content-Type": media})

        def _error(self, path: str, status: int, code: str, message: str) -> None:
            if path.startswith(DIRECTORY_ROOT):
                problem = {"type": "about:blank", "status": status, "message": code}
                self._json(status, {**problem, "details": message}, "application/problem+json")
            else:
                self._json(status, {"errorCode": code, "errorMessage": message})

        def _body(self) -> bytes:
            return self.rfile.read(int(self.headers.get("Content-Length", "0")))

        def _handle(self, method: str) -> None:
            url = urlparse(self.path)
            path = url.path
            platform.requests.append(f"{method} {path}")
            body = self._body() if method == "POST" else b""
            if method == "POST" and path == TOKEN_PATH:
                status, answer = platform.grant(self.headers.get("Authorization", ""), body)
                self._json(status, answer)
                return
            if self.headers.get("Authorization") != f"Bearer {platform.token}":
                self._error(path, 401, "INVALID_TOKEN", "Missing or invalid access token")
                return
            if platform.fail_next:
                status, payload = platform.fail_next.pop(0)
                self._json(status, payload)
                return
            try:
                self._route(method, path, parse_qs(url.query), body)
            except Refused as refusal:
                self._error(path, refusal.status, refusal.code, refusal.message)

        def _route(self, method: str, path: str, query: dict[str, list[str]], body: bytes) -> None:
            flows = f"{FLOW_ROOT}/v1/flows"
            if (method, path) == ("POST", f"{flows}/search"):
                self._json(200, platform.search(_json_body(body)))
            elif (method, path) == ("POST", flows):
                self._json(202, platform.submit(_multipart(self.headers["Content-Type"], body)))
            elif method == "GET" and path.startswith(f"{flows}/"):
                self._download(unquote(path.removeprefix(f"{flows}/")), query)
            elif (method, path) == ("POST", f"{DIRECTORY_ROOT}/v1/directory-line"):
                self._json(201, platform.directory_line(_json_body(body)))
            else:
                raise Refused(404, "MISSING_RESOURCE", "Requested resource is Not Found")

        def _download(self, flow_id: str, query: dict[str, list[str]]) -> None:
            doc_type = query.get("docType", ["Metadata"])[0]
            if doc_type not in DOC_TYPES:
                raise Refused(400, "INVALID_FIELD", "docType is not a DocType")
            flow = platform.find(flow_id)
            if doc_type == "Metadata":
                self._json(200, flow.metadata())
            elif doc_type == "Original":
                media = MEDIA_TYPES.get(flow.syntax, "application/xml")
                disposition = f"attachment;filename={flow.filename}"
                headers = {"Content-Type": media, "Content-Disposition": disposition}
                self._send(200, flow.content, headers)
            else:
                raise Refused(404, "MISSING_RESOURCE", f"No {doc_type} document for this flow")

        def do_GET(self) -> None:
            self._handle("GET")

        def do_POST(self) -> None:
            self._handle("POST")

    return Handler


def _json_body(body: bytes) -> Any:
    try:
        return json.loads(body)
    except ValueError:
        raise Refused(400, "INVALID_FORMAT", "Invalid request format") from None


def _multipart(content_type: str, body: bytes) -> dict[str, tuple[str, bytes]]:
    if not content_type.startswith("multipart/form-data"):
        raise Refused(400, "INVALID_FORMAT", "multipart/form-data expected")
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + body
    )
    parts = {}
    for part in message.walk():
        if part.is_multipart():
            continue
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True)
        parts[str(name)] = (
            part.get_filename() or "",
            payload if isinstance(payload, bytes) else b"",
        )
    return parts


@contextmanager
def fake_platform(token: str = "secret-token") -> Iterator[FakePlatform]:  # noqa: S107 - a test server
    platform = FakePlatform(token=token)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(platform))
    platform.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield platform
    finally:
        server.shutdown()
        server.server_close()
