"""`cooperative_create --slug … --name … --siren … --legal-form … --manager-email …`"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.validators import validate_email

from perspectives.core.exceptions import ApplicationError
from perspectives.tenancy.models import LegalForm
from top.onboarding.services import cooperative_set_up


class Command(BaseCommand):
    help = (
        "Crée une coopérative (plan comptable et journaux CAE, statuts types de sa forme "
        "juridique) et invite sa première gérante ou son premier gérant."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--slug", required=True)
        parser.add_argument("--name", required=True)
        parser.add_argument("--siren", required=True)
        parser.add_argument("--legal-form", required=True, choices=LegalForm.values)
        parser.add_argument("--manager-email", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            validate_email(options["manager_email"])
        except ValidationError as error:
            raise CommandError(
                f"« {options['manager_email']} » n'est pas une adresse e-mail valide."
            ) from error
        try:
            result = cooperative_set_up(
                slug=options["slug"],
                name=options["name"],
                siren=options["siren"],
                legal_form=options["legal_form"],
                manager_email=options["manager_email"],
            )
        except ApplicationError as error:
            raise CommandError(error.message) from error
        cooperative = result.cooperative
        self.stdout.write(
            f"Coopérative « {cooperative.name} » créée (/c/{cooperative.slug}/, "
            f"SIREN {cooperative.siren}, {cooperative.get_legal_form_display()})."
        )
        if result.invitation is not None:
            self.stdout.write(f"Invitation envoyée à {result.invitation.email}.")
