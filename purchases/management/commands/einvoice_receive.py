"""`manage.py einvoice_receive --cooperative <slug> --file <path>`: receive one e-invoice file
(Factur-X PDF, UN/CEFACT CII or UBL 2.1 XML) as a draft supplier invoice.

A contract: on success, prints the draft as JSON on stdout and exits 0; when the file is
refused, prints the French reason on stderr, saves nothing and exits 1."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from perspectives.core.exceptions import ApplicationError
from perspectives.tenancy.context import cooperative_context
from perspectives.tenancy.models import Cooperative
from purchases.einvoice import MAX_BYTES
from purchases.models import SupplierInvoice
from purchases.services import einvoice_receive


def invoice_summary(invoice: SupplierInvoice) -> dict[str, Any]:
    activity = invoice.activity
    return {
        "id": invoice.pk,
        "status": invoice.status,
        "format": invoice.format,
        "supplier": {"name": invoice.supplier.name, "siren": invoice.supplier.siren or None},
        "number": invoice.number,
        "issue_date": invoice.issue_date.isoformat(),
        "due_date": invoice.due_date.isoformat() if invoice.due_date else None,
        "total_excl_tax": str(invoice.total_excl_tax),
        "total_vat": str(invoice.total_vat),
        "total_incl_tax": str(invoice.total_incl_tax),
        "routing_address": invoice.routing_address or None,
        "activity": None
        if activity is None
        else {"id": activity.pk, "analytic_code": activity.analytic_code, "name": activity.name},
    }


class Command(BaseCommand):
    help = (
        "Reçoit une facture électronique (Factur-X, CII, UBL) comme facture fournisseur brouillon."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--cooperative", required=True, help="l'identifiant de la coopérative")
        parser.add_argument("--file", required=True, help="le fichier reçu")

    def handle(self, *args: Any, **options: Any) -> None:
        cooperative = Cooperative.objects.filter(slug=options["cooperative"]).first()
        if cooperative is None:
            raise CommandError(f"Aucune coopérative « {options['cooperative']} ».")
        path = Path(options["file"])
        try:
            if path.stat().st_size > MAX_BYTES:
                self._refuse(
                    f"Fichier refusé : au-delà de la limite de {MAX_BYTES // (1024 * 1024)} Mo."
                )
            data = path.read_bytes()
        except OSError as exc:
            self._refuse(f"Fichier illisible : {exc.strerror or exc}.")
        with cooperative_context(cooperative.pk):
            try:
                invoice = einvoice_receive(data=data, filename=path.name)
            except ApplicationError as exc:
                self._refuse(str(exc.message))
            self.stdout.write(json.dumps(invoice_summary(invoice), ensure_ascii=False, indent=2))

    def _refuse(self, message: str) -> None:
        self.stderr.write(message)
        sys.exit(1)
