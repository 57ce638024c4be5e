"""`manage.py invoices_export --cooperative <slug> --year <YYYY> --output <dir>`: every
validated invoice and credit note of the year as `<number>.pdf`, the Factur-X document."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from perspectives.tenancy.context import cooperative_context
from perspectives.tenancy.models import Cooperative
from sales.models import Document
from sales.services.rendering import document_pdf_render


class Command(BaseCommand):
    help = "Écrit chaque facture et avoir validés de l'année en <numéro>.pdf (Factur-X)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--cooperative", required=True, help="identifiant d'adresse (slug)")
        parser.add_argument("--year", required=True, type=int)
        parser.add_argument("--output", required=True, type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        cooperative = Cooperative.objects.filter(slug=options["cooperative"]).first()
        if cooperative is None:
            raise CommandError(f"Coopérative inconnue : {options['cooperative']}")
        output: Path = options["output"]
        output.mkdir(parents=True, exist_ok=True)
        count = 0
        with cooperative_context(cooperative.pk):
            documents = Document.objects.filter(
                kind__in=[Document.Kind.INVOICE, Document.Kind.CREDIT_NOTE],
                status=Document.Status.VALIDATED,
                year=options["year"],
            ).order_by("series", "sequence")
            for document in documents.iterator():
                file = document_pdf_render(document_id=document.pk)
                with file.pdf.open("rb") as source:
                    (output / f"{document.number}.pdf").write_bytes(source.read())
                count += 1
        self.stdout.write(f"{count} document(s) écrit(s) dans {output}")
