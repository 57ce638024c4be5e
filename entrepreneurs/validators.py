from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum import iban
from stdnum.fr import siret


def validate_iban(value: str) -> None:
    if value and not iban.is_valid(value):
        raise ValidationError(
            _("Cet IBAN n'est pas valide (vérifiez la clé et la longueur)."), code="invalid_iban"
        )


def validate_siret(value: str) -> None:
    if value and not siret.is_valid(value):
        raise ValidationError(
            _("« %(value)s » n'est pas un numéro SIRET valide (14 chiffres, clé de contrôle)."),
            code="invalid_siret",
            params={"value": value},
        )
