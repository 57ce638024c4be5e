"""The reason codes (motifs, CDAR MDT-113) a buyer's lifecycle status may carry.

The French CDAR rules (FNFE-MPE BR-FR-CDV schematron V1.4.0) require a reason code on a 206,
207, 208 and 210 (BR-FR-CDV-15), taken from the list the rule BR-FR-CDV-CL-09 allows for that
status. The lists below are the schematron's, for a business-to-business invoice (a refusal
from a public buyer, B2G, allows more); the labels are those of the reform's specifications."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from perspectives.core.exceptions import ApplicationError

REASON_LABELS: dict[str, Promise] = {
    "AUTRE": _("Autre"),
    "COORD_BANC_ERR": _("Erreur de coordonnées bancaires"),
    "TX_TVA_ERR": _("Taux de TVA erroné"),
    "MONTANTTOTAL_ERR": _("Montant total erroné"),
    "CALCUL_ERR": _("Erreur de calcul de la facture"),
    "NON_CONFORME": _("Mention légale manquante"),
    "DOUBLON": _("Facture en doublon (déjà reçue)"),
    "DEST_INC": _("Destinataire inconnu"),
    "DEST_ERR": _("Erreur de destinataire"),
    "TRANSAC_INC": _("Transaction inconnue"),
    "EMMET_INC": _("Émetteur inconnu"),
    "CONTRAT_TERM": _("Contrat terminé"),
    "DOUBLE_FACT": _("Double facture"),
    "CMD_ERR": _("N° de commande incorrect ou manquant"),
    "ADR_ERR": _("Adresse de facturation électronique erronée"),
    "SIRET_ERR": _("SIRET erroné ou absent"),
    "CODE_ROUTAGE_ERR": _("Code routage absent ou erroné"),
    "REF_CT_ABSENT": _("Référence contractuelle manquante"),
    "REF_ERR": _("Référence incorrecte"),
    "PU_ERR": _("Prix unitaires incorrects"),
    "REM_ERR": _("Remise erronée"),
    "QTE_ERR": _("Quantité facturée incorrecte"),
    "ART_ERR": _("Article facturé incorrect"),
    "MODPAI_ERR": _("Modalités de paiement incorrectes"),
    "QUALITE_ERR": _("Qualité d'article livré incorrecte"),
    "LIVR_INCOMP": _("Problème de livraison"),
    "JUSTIF_ABS": _("Justificatif absent ou insuffisant"),
}

# BR-FR-CDV-CL-09, per status (MDT-105), in the schematron's order.
ALLOWED_REASON_CODES: dict[str, tuple[str, ...]] = {
    "206": (
        "AUTRE", "CMD_ERR", "SIRET_ERR", "CODE_ROUTAGE_ERR", "REF_CT_ABSENT", "REF_ERR", "PU_ERR",
        "REM_ERR", "QTE_ERR", "ART_ERR", "MODPAI_ERR", "QUALITE_ERR", "LIVR_INCOMP",
    ),
    "207": (
        "AUTRE", "COORD_BANC_ERR", "TX_TVA_ERR", "MONTANTTOTAL_ERR", "CALCUL_ERR", "NON_CONFORME",
        "DOUBLON", "DEST_INC", "DEST_ERR", "TRANSAC_INC", "EMMET_INC", "CONTRAT_TERM",
        "DOUBLE_FACT", "CMD_ERR", "ADR_ERR", "SIRET_ERR", "CODE_ROUTAGE_ERR", "REF_CT_ABSENT",
        "REF_ERR", "PU_ERR", "REM_ERR", "QTE_ERR", "ART_ERR", "MODPAI_ERR", "QUALITE_ERR",
        "LIVR_INCOMP",
    ),
    "208": (
        "JUSTIF_ABS", "COORD_BANC_ERR", "CMD_ERR", "SIRET_ERR", "CODE_ROUTAGE_ERR",
        "REF_CT_ABSENT", "REF_ERR",
    ),
    "210": (
        "TX_TVA_ERR", "MONTANTTOTAL_ERR", "CALCUL_ERR", "NON_CONFORME", "DOUBLON", "DEST_ERR",
        "TRANSAC_INC", "EMMET_INC", "CONTRAT_TERM", "DOUBLE_FACT", "CMD_ERR", "ADR_ERR",
        "REF_CT_ABSENT",
    ),
}  # fmt: skip

# The code used when the person names none.
DEFAULT_REASON_CODES = {
    "206": "AUTRE",
    "207": "AUTRE",
    "208": "JUSTIF_ABS",
    "210": "NON_CONFORME",  # "AUTRE" is not among a B2B refusal's reasons
}


def reason_code_choices(status_code: str) -> list[tuple[str, str]]:
    """(code, "CODE — label") for the codes a status allows, for a form's select."""
    return [
        (code, f"{code} — {REASON_LABELS[code]}")
        for code in ALLOWED_REASON_CODES.get(status_code, ())
    ]


def reason_code_label(code: str) -> str:
    return str(REASON_LABELS.get(code, code))


def reason_code_resolve(*, status_code: str, reason_code: str) -> str:
    """The code to send with the status: the one chosen, once checked against the status's
    list, or the default. Raises a French ApplicationError for a code the status does not
    allow."""
    reason_code = reason_code.strip()
    allowed = ALLOWED_REASON_CODES.get(status_code, ())
    if not reason_code:
        return DEFAULT_REASON_CODES.get(status_code, "")
    if reason_code not in allowed:
        raise ApplicationError(
            gettext(
                "Le code motif « %(reason_code)s » n'est pas admis pour le statut %(status)s : "
                "choisissez parmi %(allowed)s."
            )
            % {"reason_code": reason_code, "status": status_code, "allowed": ", ".join(allowed)}
        )
    return reason_code
