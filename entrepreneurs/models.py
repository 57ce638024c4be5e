"""Entrepreneurs and the sectors ("pôles") of a cooperative."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from perspectives.tenancy.models import TenantModel


class Sector(TenantModel):
    name = models.CharField(_("nom"), max_length=120)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("pôle")
        verbose_name_plural = _("pôles")
        ordering = ("position", "name")
        constraints = [
            models.UniqueConstraint(fields=("cooperative", "name"), name="sector_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class Entrepreneur(TenantModel):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("compte"),
    )
    first_name = models.CharField(_("prénom"), max_length=150)
    last_name = models.CharField(_("nom"), max_length=150)
    email = models.EmailField(_("adresse e-mail"), blank=True)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    sector = models.ForeignKey(
        Sector, on_delete=models.PROTECT, related_name="entrepreneurs", verbose_name=_("pôle")
    )
    referent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("accompagnateur·rice référent·e"),
    )
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)

    class Meta:
        verbose_name = _("entrepreneur·e")
        verbose_name_plural = _("entrepreneur·es")
        ordering = ("last_name", "first_name")
        constraints = [
            models.UniqueConstraint(
                fields=("cooperative", "user"),
                condition=Q(user__isnull=False),
                name="entrepreneur_unique_user",
            ),
        ]
        indexes = [models.Index(fields=("cooperative", "sector"), name="entrepreneur_sector_idx")]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"
