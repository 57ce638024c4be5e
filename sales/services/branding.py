"""An activity's branding on its PDF documents: logo, accent colour, footer line."""

from __future__ import annotations

import re

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from entrepreneurs.models import Activity
from perspectives.accounts.models import User
from perspectives.core.exceptions import ApplicationError
from perspectives.core.uploads import sniffed_content_type
from sales.models import ACCENT_RE, ActivityBranding

LOGO_MAX_BYTES = 1024 * 1024
LOGO_EXTENSIONS = (".png", ".jpg", ".jpeg")
FOOTER_MAX = 200


def branding_clean_accent(value: str) -> str:
    accent = (value or "").strip().upper()
    if accent and not re.match(ACCENT_RE, accent):
        raise ApplicationError(
            _("La couleur d'accent s'écrit #RRVVBB en hexadécimal, par exemple #1F4E79.")
        )
    return accent


def branding_clean_footer(value: str) -> str:
    footer = " ".join((value or "").split())
    if len(footer) > FOOTER_MAX:
        raise ApplicationError(
            _("Le pied de page fait au plus %(max)d caractères.") % {"max": FOOTER_MAX}
        )
    return footer


def branding_clean_logo(logo: UploadedFile) -> str:
    """The logo's content type; refuses anything but a PNG or JPEG of at most 1 Mo."""
    if logo.size is not None and logo.size > LOGO_MAX_BYTES:
        raise ApplicationError(_("Le logo fait au plus 1 Mo."))
    return sniffed_content_type(
        logo, extensions=LOGO_EXTENSIONS, refusal=_("Le logo est une image PNG ou JPEG.")
    )


@transaction.atomic
def branding_set(
    *,
    activity: Activity,
    user: User,
    accent_color: str,
    footer: str,
    logo: UploadedFile | None = None,
    remove_logo: bool = False,
) -> ActivityBranding:
    """Set the activity's branding. Everything is checked before anything is written."""
    accent = branding_clean_accent(accent_color)
    clean_footer = branding_clean_footer(footer)
    content_type = branding_clean_logo(logo) if logo is not None else ""
    branding, _created = ActivityBranding.objects.select_for_update().get_or_create(
        cooperative_id=activity.cooperative_id, activity=activity
    )
    branding.accent_color = accent
    branding.footer = clean_footer
    if (logo is not None or remove_logo) and branding.logo:
        branding.logo.delete(save=False)
        branding.logo_content_type = ""
    if logo is not None:
        branding.logo.save(logo.name or "logo", logo, save=False)
        branding.logo_content_type = content_type
    branding.updated_at = timezone.now()
    branding.updated_by = user
    branding.save()
    return branding
