"""Exchanges with the accredited platform through its AFNOR XP Z12-013 API (see
`purchases.platform`): receive new supplier invoices, send pending lifecycle statuses as CDAR
messages, register routing addresses as directory lines. Each is idempotent: a flow already
received (even when the platform lists it again after an update), a status already sent or an
address already registered is skipped. The cursor is the `updatedAt` of the last flow handled."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from perspectives.core.exceptions import ApplicationError
from perspectives.tenancy.context import require_cooperative_id
from perspectives.tenancy.models import Cooperative
from purchases.einvoice import REASON_CODE, einvoice_parse
from purchases.models import LifecycleStatus, RoutingAddress, SupplierInvoice
from purchases.platform import (
    AfnorPlatformConnector,
    ClientCredentials,
    InvoiceReference,
    PlatformConnector,
    ReceivedDocument,
)
from purchases.services.common import settings_get
from purchases.services.reception import einvoice_receive, routing_addresses_ensure
from purchases.services.settings import (
    oauth_configured,
    platform_client_secret_clear,
    platform_token_clear,
)


@dataclass
class SyncReport:
    received: list[int] = field(default_factory=list)  # supplier invoice ids
    refused: list[tuple[str, str]] = field(default_factory=list)  # (flow id, reason)
    statuses_sent: int = 0
    addresses_registered: int = 0


def platform_configured() -> bool:
    """Whether the active cooperative has given its platform's address and a way in: a token,
    or OAuth2 client credentials."""
    config = settings_get()
    return bool(config.platform_url and (config.platform_token or oauth_configured(config)))


def platform_connector() -> PlatformConnector:
    config = settings_get()
    if not platform_configured():
        raise ApplicationError(_("La plateforme agréée n'est pas configurée (adresse et jeton)."))
    credentials = None
    if oauth_configured(config):
        credentials = ClientCredentials(
            token_url=config.platform_token_url,
            client_id=config.platform_client_id,
            client_secret=platform_client_secret_clear(config),
            # Per cooperative and per client: new credentials never reuse the old token.
            cache_key=f"purchases:platform-token:{config.cooperative_id}:"
            + hashlib.sha256(
                f"{config.platform_token_url}|{config.platform_client_id}".encode()
            ).hexdigest()[:16],
        )
    return AfnorPlatformConnector(
        flow_url=config.platform_url,
        directory_url=config.platform_directory_url or config.platform_url,
        token="" if credentials else platform_token_clear(config),
        credentials=credentials,
    )


def _reference(invoice: SupplierInvoice, cooperative: Cooperative) -> InvoiceReference:
    return InvoiceReference(
        platform_id=invoice.platform_id,
        number=invoice.number,
        issue_date=invoice.issue_date,
        seller_siren=invoice.supplier.siren,
        seller_name=invoice.supplier.name,
        buyer_siren=cooperative.siren,
        buyer_name=cooperative.name,
    )


def _refused_reference(
    document: ReceivedDocument, cooperative: Cooperative
) -> InvoiceReference | None:
    """The invoice a refusal names, when the file can at least be read; an unreadable one is
    the platform's to reject (213), since a CDAR must cite the invoice's number and seller."""
    try:
        parsed = einvoice_parse(document.content)
    except ApplicationError:
        return None
    return InvoiceReference(
        platform_id=document.platform_id,
        number=parsed.number,
        issue_date=parsed.issue_date,
        seller_siren=parsed.seller_siren,
        seller_name=parsed.seller_name,
        buyer_siren=cooperative.siren,
        buyer_name=cooperative.name,
        type_code=parsed.type_code,
    )


def platform_receive(*, connector: PlatformConnector, report: SyncReport) -> None:
    config = settings_get()
    cooperative = Cooperative.objects.get(pk=require_cooperative_id())
    for document in connector.fetch_received(since=config.platform_cursor):
        # The cursor moves past every flow handled, received or refused, so none comes twice.
        config.platform_cursor = document.updated_at
        config.save(update_fields=["platform_cursor"])
        if SupplierInvoice.objects.filter(platform_id=document.platform_id).exists():
            continue
        try:
            invoice = einvoice_receive(
                data=document.content,
                filename=document.filename,
                source=SupplierInvoice.Source.PLATFORM,
                platform_id=document.platform_id,
            )
        except ApplicationError as error:
            # Nothing was saved; the supplier learns why through the refusal status (210).
            reference = _refused_reference(document, cooperative)
            if reference is not None:
                connector.send_status(
                    invoice=reference,
                    code=LifecycleStatus.Code.REFUSED,
                    reason=str(error.message)[:300],
                    reason_code=str(error.extra.get(REASON_CODE, "")),
                )
            report.refused.append((document.platform_id, str(error.message)))
            continue
        report.received.append(invoice.pk)


def platform_statuses_send(*, connector: PlatformConnector, report: SyncReport) -> None:
    cooperative = Cooperative.objects.get(pk=require_cooperative_id())
    pending = LifecycleStatus.objects.filter(sent_at__isnull=True).select_related(
        "invoice__supplier"
    )
    for status in pending.order_by("created_at", "pk"):
        if not status.invoice.platform_id:
            continue
        connector.send_status(
            invoice=_reference(status.invoice, cooperative),
            code=status.code,
            reason=status.reason,
            reason_code=status.reason_code,
        )
        LifecycleStatus.objects.filter(pk=status.pk).update(sent_at=timezone.now())
        report.statuses_sent += 1


def platform_addresses_register(*, connector: PlatformConnector, report: SyncReport) -> None:
    cooperative = Cooperative.objects.get(pk=require_cooperative_id())
    routing_addresses_ensure()
    for address in RoutingAddress.objects.filter(registered_at__isnull=True).select_related(
        "activity"
    ):
        label = address.activity.name if address.activity else cooperative.name
        connector.register_address(siren=cooperative.siren, address=address.address, label=label)
        RoutingAddress.objects.filter(pk=address.pk).update(registered_at=timezone.now())
        report.addresses_registered += 1


@transaction.atomic
def platform_sync(*, connector: PlatformConnector | None = None) -> SyncReport:
    """Register new addresses, receive new invoices, send pending statuses."""
    connector = connector or platform_connector()
    report = SyncReport()
    platform_addresses_register(connector=connector, report=report)
    platform_receive(connector=connector, report=report)
    platform_statuses_send(connector=connector, report=report)
    return report
