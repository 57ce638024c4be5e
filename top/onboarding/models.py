"""What the onboarding app keeps: each import asked for, with its result."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from perspectives.tenancy.models import TenantModel


class ImportRun(TenantModel):
    """One file brought in (or tried, on a dry run), and what came of it: rows created,
    updated and refused, each refusal with its line and reason. The file is kept until a
    worker has read it."""

    class State(models.TextChoices):
        PENDING = "pending", _("En attente")
        RUNNING = "running", _("En cours")
        DONE = "done", _("Terminé")
        FAILED = "failed", _("Échec")

    kind = models.CharField(_("type"), max_length=20)
    filename = models.CharField(_("fichier"), max_length=255)
    data = models.BinaryField(_("contenu"), editable=False)
    dry_run = models.BooleanField(_("essai sans écriture"), default=False)
    activity_code = models.CharField(_("activité"), max_length=30, blank=True)
    state = models.CharField(_("état"), max_length=10, choices=State.choices, default=State.PENDING)
    total = models.PositiveIntegerField(_("lignes"), default=0)
    created = models.PositiveIntegerField(_("créées"), default=0)
    updated = models.PositiveIntegerField(_("mises à jour"), default=0)
    refused = models.PositiveIntegerField(_("refusées"), default=0)
    result = models.JSONField(_("résultat"), default=dict)
    error = models.TextField(_("erreur"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("demandé le"), default=timezone.now)
    finished_at = models.DateTimeField(_("terminé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ("-created_at", "-pk")
        indexes = [models.Index(fields=("cooperative", "created_at"), name="importrun_recent")]

    def __str__(self) -> str:
        return f"{self.kind} {self.filename} ({self.state})"

    @property
    def written(self) -> bool:
        return self.state == self.State.DONE and not self.dry_run and self.refused == 0
