"""The cooperative's chart of accounts, journals and treasury groupings, seeded from the PCG."""

from __future__ import annotations

from django.db import transaction

from accounting.models import Account, Journal, TreasuryGroup
from perspectives.tenancy.context import require_cooperative_id

# (code, label, collective: every line names a third party). The PCG accounts a CAE uses
# (ANC 2014-03; reference/accounting.md §2.2), plus the contribution coopérative pair.
PCG_CAE_ACCOUNTS: tuple[tuple[str, str, bool], ...] = (
    ("101", "Capital", False),
    ("1013", "Capital souscrit – appelé, versé", False),
    ("106", "Réserves", False),
    ("1061", "Réserve légale", False),
    ("1068", "Autres réserves (réserves impartageables)", False),
    ("110", "Report à nouveau (solde créditeur)", False),
    ("119", "Report à nouveau (solde débiteur)", False),
    ("120", "Résultat de l'exercice (bénéfice)", False),
    ("129", "Résultat de l'exercice (perte)", False),
    ("401", "Fournisseurs", True),
    ("404", "Fournisseurs d'immobilisations", True),
    ("408", "Fournisseurs – factures non parvenues", False),
    ("411", "Clients", True),
    ("4191", "Clients – avances et acomptes reçus sur commandes", True),
    ("421", "Personnel – rémunérations dues", False),
    ("425", "Personnel – avances et acomptes", False),
    ("428", "Personnel – charges à payer et produits à recevoir", False),
    ("4282", "Dettes provisionnées pour congés à payer", False),
    ("4286", "Personnel – autres charges à payer (frais à rembourser)", False),
    ("431", "Sécurité sociale", False),
    ("437", "Autres organismes sociaux", False),
    ("4371", "Caisses de retraite complémentaire (AGIRC-ARRCO)", False),
    ("4372", "Organismes de complémentaire santé (mutuelle)", False),
    ("4373", "Organismes de prévoyance", False),
    ("4378", "Autres organismes sociaux (Action Logement)", False),
    ("438", "Organismes sociaux – charges à payer", False),
    ("4382", "Charges sociales sur congés à payer", False),
    ("4387", "Organismes sociaux – produits à recevoir (IJSS en subrogation)", False),
    ("4421", "Prélèvements à la source (impôt sur le revenu)", False),
    ("44551", "TVA à décaisser", False),
    ("44562", "TVA déductible sur immobilisations", False),
    ("44566", "TVA déductible sur autres biens et services", False),
    ("44567", "Crédit de TVA à reporter", False),
    ("44571", "TVA collectée", False),
    ("4458", "Taxes sur le chiffre d'affaires à régulariser ou en attente", False),
    ("455", "Associés – comptes courants", False),
    ("467", "Autres comptes débiteurs ou créditeurs", False),
    ("471", "Compte d'attente", False),
    ("512", "Banques", False),
    ("530", "Caisse", False),
    ("580", "Virements internes", False),
    ("604", "Achats d'études et prestations de services", False),
    ("6061", "Fournitures non stockables (eau, énergie)", False),
    ("6063", "Fournitures d'entretien et de petit équipement", False),
    ("6064", "Fournitures administratives", False),
    ("607", "Achats de marchandises", False),
    ("611", "Sous-traitance générale", False),
    ("613", "Locations", False),
    ("615", "Entretien et réparations", False),
    ("616", "Primes d'assurances", False),
    ("618", "Divers (documentation, formation)", False),
    ("622", "Rémunérations d'intermédiaires et honoraires", False),
    ("623", "Publicité, publications, relations publiques", False),
    ("625", "Déplacements, missions et réceptions", False),
    ("626", "Frais postaux et de télécommunications", False),
    ("627", "Services bancaires et assimilés", False),
    ("6288", "Contribution coopérative (charge de l'activité)", False),
    ("641", "Rémunérations du personnel", False),
    ("6411", "Salaires, appointements", False),
    ("6413", "Primes et gratifications", False),
    ("6414", "Indemnités et avantages divers", False),
    ("645", "Charges de sécurité sociale et de prévoyance", False),
    ("6451", "Cotisations à l'URSSAF", False),
    ("6453", "Cotisations aux caisses de retraite", False),
    ("6454", "Cotisations à France Travail", False),
    ("647", "Autres charges sociales", False),
    ("648", "Autres charges de personnel", False),
    ("706", "Prestations de services", False),
    ("707", "Ventes de marchandises", False),
    ("708", "Produits des activités annexes", False),
    ("7088", "Contribution coopérative (produit de la structure)", False),
    ("709", "Rabais, remises et ristournes accordés", False),
    ("791", "Transferts de charges", False),
)

# (code, label, kind, exempt from the per-activity balance)
DEFAULT_JOURNALS: tuple[tuple[str, str, str, bool], ...] = (
    ("AN", "À-nouveaux", Journal.Kind.OPENING, False),
    ("VT", "Ventes", Journal.Kind.SALES, False),
    ("AC", "Achats", Journal.Kind.PURCHASES, False),
    ("BQ", "Banque", Journal.Kind.BANK, False),
    ("OD", "Opérations diverses", Journal.Kind.MISCELLANEOUS, False),
    ("PAIE", "Paie", Journal.Kind.PAYROLL, False),
)

# The enDI treasury grid (reference/cae-software.md): prefixes of each line. A longer prefix
# listed in another group wins (4286 is an expense to reimburse, not a salary).
TREASURY_DEFAULTS: dict[str, str] = {
    TreasuryGroup.Key.CASH: "51,53",
    TreasuryGroup.Key.TAXES_DUE: "444,445,447",
    TreasuryGroup.Key.SUPPLIERS_DUE: "401,404,408",
    TreasuryGroup.Key.SALARIES_DUE: "421,422,425,427,428,431,437,438,4421",
    TreasuryGroup.Key.EXPENSES_TO_REIMBURSE: "4286,467",
    TreasuryGroup.Key.CUSTOMERS_TO_COLLECT: "411,416,418",
}


@transaction.atomic
def chart_seed_defaults() -> list[Account]:
    """Create the PCG accounts, journals and treasury groupings of a CAE in the active
    cooperative. Idempotent: existing rows (maybe edited) are kept as they are."""
    cooperative_id = require_cooperative_id()
    existing = set(Account.objects.values_list("code", flat=True))
    Account.objects.bulk_create(
        [
            Account(cooperative_id=cooperative_id, code=code, label=label, requires_third_party=tp)
            for code, label, tp in PCG_CAE_ACCOUNTS
            if code not in existing
        ]
    )
    journals = set(Journal.objects.values_list("code", flat=True))
    Journal.objects.bulk_create(
        [
            Journal(
                cooperative_id=cooperative_id,
                code=code,
                label=label,
                kind=kind,
                exempt_from_activity_balance=exempt,
            )
            for code, label, kind, exempt in DEFAULT_JOURNALS
            if code not in journals
        ]
    )
    groups = set(TreasuryGroup.objects.values_list("key", flat=True))
    TreasuryGroup.objects.bulk_create(
        [
            TreasuryGroup(cooperative_id=cooperative_id, key=key, prefixes=prefixes)
            for key, prefixes in TREASURY_DEFAULTS.items()
            if key not in groups
        ]
    )
    return list(Account.objects.order_by("code"))


@transaction.atomic
def account_create(*, code: str, label: str, requires_third_party: bool = False) -> Account:
    from perspectives.core.exceptions import ApplicationError

    code = code.strip().upper()
    if Account.objects.filter(code=code).exists():
        raise ApplicationError(f"Le compte {code} existe déjà.")
    account = Account(
        cooperative_id=require_cooperative_id(),
        code=code,
        label=label.strip(),
        requires_third_party=requires_third_party,
    )
    account.full_clean()
    account.save()
    return account
