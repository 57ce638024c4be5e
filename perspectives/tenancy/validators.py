from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.fr import siren, tva


def validate_siren(value: str) -> None:
    """A SIREN is nine digits whose Luhn checksum is valid."""
    if not siren.is_valid(value):
        raise ValidationError(
            _("« %(value)s » n'est pas un numéro SIREN valide (9 chiffres, clé de contrôle)."),
            code="invalid_siren",
            params={"value": value},
        )


def validate_vat_number(value: str) -> None:
    """A French intra-community VAT number: FR, a two-character key, the SIREN."""
    if value and not tva.is_valid(value):
        raise ValidationError(
            _(
                "« %(value)s » n'est pas un numéro de TVA intracommunautaire français valide "
                "(FR, clé, SIREN)."
            ),
            code="invalid_vat_number",
            params={"value": value},
        )
