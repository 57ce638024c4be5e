"""The demo cooperatives: deterministic (fixed seed), idempotent, and fast.

Part of the composition root: it names the domain apps and seeds them through their services.
Later issues extend `demo_seed` with ledger history, payslips and assemblies.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import transaction

from accounting import demo as accounting_demo
from bank import demo as bank_demo
from entrepreneurs import demo as entrepreneurs_demo
from entrepreneurs import services as entrepreneur_services
from entrepreneurs.models import Entrepreneur, Sector
from governance import demo as governance_demo
from payroll import demo as payroll_demo
from perspectives.accounts.models import User
from perspectives.tenancy import services as tenancy_services
from perspectives.tenancy.context import cooperative_context
from perspectives.tenancy.models import Cooperative, LegalForm, Role
from purchases import demo as purchases_demo
from sales import demo as sales_demo
from top.onboarding.services import cooperative_set_up

DEMO_PASSWORD = "perspectives-demo"  # noqa: S105 - published demo password, printed by make run
# Base32 TOTP secret of the privileged demo users, printed so the demo can be tried with any
# authenticator app (or `python -c "import pyotp…"`).
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # noqa: S105
SEED = 2026

FIRST_NAMES = (
    "Léa",
    "Hugo",
    "Chloé",
    "Louis",
    "Manon",
    "Jules",
    "Camille",
    "Arthur",
    "Inès",
    "Gabriel",
    "Sarah",
    "Raphaël",
    "Jade",
    "Nathan",
    "Emma",
    "Lucas",
    "Zoé",
    "Adam",
    "Louise",
    "Paul",
    "Alice",
    "Tom",
    "Anaïs",
    "Théo",
    "Clara",
    "Noah",
    "Margaux",
    "Maël",
    "Lina",
    "Sacha",
    "Nour",
    "Yanis",
    "Rose",
    "Eliott",
    "Mila",
    "Aurélien",
    "Pauline",
    "Karim",
    "Élodie",
    "Joan",
)
LAST_NAMES = (
    "Martin",
    "Bernard",
    "Garcia",
    "Roux",
    "Fabre",
    "Vidal",
    "Puig",
    "Sanchez",
    "Ferrer",
    "Marty",
    "Bonnet",
    "Lopez",
    "Fournier",
    "Girard",
    "Moreau",
    "Mercier",
    "Blanc",
    "Guerin",
    "Pujol",
    "Rovira",
    "Serra",
    "Cases",
    "Baux",
    "Soler",
    "Costa",
    "Mas",
    "Calvet",
    "Noguer",
    "Py",
    "Riu",
)


@dataclass(frozen=True)
class DemoLogin:
    email: str
    cooperative: str
    roles: tuple[str, ...]
    totp: bool


@dataclass
class DemoResult:
    logins: list[DemoLogin] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class _Person:
    email: str
    first_name: str
    last_name: str
    roles: tuple[str, ...]


def _user(person: _Person, password_hash: str) -> User:
    from allauth.account.models import EmailAddress

    user, created = User.objects.get_or_create(
        email=person.email,
        defaults={
            "first_name": person.first_name,
            "last_name": person.last_name,
            "password": password_hash,
        },
    )
    if created:
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def _activate_totp(user: User) -> None:
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP

    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, DEMO_TOTP_SECRET)


def _cooperative(*, name: str, slug: str, siren: str, legal_form: str, city: str) -> Cooperative:
    existing = Cooperative.objects.filter(slug=slug).first()
    if existing is not None:
        return existing
    # The same service as platform staff use: the demo shows what a real cooperative gets.
    return cooperative_set_up(
        name=name,
        slug=slug,
        siren=siren,
        legal_form=legal_form,
        address_line="1 place de la République" if slug == "perspectives" else "3 rue du Canigou",
        postal_code="66000" if slug == "perspectives" else "66500",
        city=city,
    ).cooperative


def _seed_cooperative(
    *,
    cooperative: Cooperative,
    staff: list[_Person],
    entrepreneur_count: int,
    demo_entrepreneur: _Person,
    email_domain: str,
    password_hash: str,
    rng: random.Random,
    result: DemoResult,
) -> None:
    support_users: list[User] = []
    for person in staff:
        user = _user(person, password_hash)
        tenancy_services.membership_set(
            cooperative=cooperative, user=user, roles=list(person.roles)
        )
        requires_mfa = any(
            role in (Role.MANAGER, Role.ACCOUNTANT, Role.PAYROLL, Role.ADMIN)
            for role in person.roles
        )
        if requires_mfa:
            _activate_totp(user)
        if Role.SUPPORT in person.roles:
            support_users.append(user)
        result.logins.append(DemoLogin(person.email, cooperative.slug, person.roles, requires_mfa))

    with cooperative_context(cooperative.pk):
        sectors = entrepreneur_services.sector_seed_defaults()
        existing = set(Entrepreneur.objects.values_list("user__email", flat=True))
        people = [demo_entrepreneur]
        for index in range(1, entrepreneur_count):
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            slug = f"{first}.{last}".lower().translate(
                str.maketrans("éèëêïîàâçôöüù", "eeeeiiaacoouu")
            )
            people.append(
                _Person(f"{slug}.{index:03d}@{email_domain}", first, last, (Role.ENTREPRENEUR,))
            )
        # The sector of each person is drawn even when they exist, so the sequence is stable.
        for index, person in enumerate(people):
            sector = sectors[index % len(sectors)] if index < len(sectors) else rng.choice(sectors)
            if person.email in existing:
                continue
            user = _user(person, password_hash)
            tenancy_services.membership_set(
                cooperative=cooperative, user=user, roles=[Role.ENTREPRENEUR]
            )
            entrepreneur_services.entrepreneur_create(
                first_name=person.first_name,
                last_name=person.last_name,
                email=person.email,
                sector=sector,
                user=user,
                referent=support_users[index % len(support_users)] if support_users else None,
            )
        result.counts[cooperative.slug] = Entrepreneur.objects.count()
        result.counts[f"{cooperative.slug}:sectors"] = Sector.objects.count()
        # Each app seeds its history with its own generator, so adding data to one app never
        # changes another app's demo data.
        for app_label, seeder in (
            ("entrepreneurs", entrepreneurs_demo.seed),
            ("accounting", accounting_demo.seed),
            ("payroll", payroll_demo.seed),
            ("governance", governance_demo.seed),
            ("sales", sales_demo.seed),
            # The contribution and VAT returns of the months the sales demo invoiced, then the
            # past years closed: the ledger's sales are the invoices' own postings.
            ("accounting:settle", accounting_demo.settle),
            ("purchases", purchases_demo.seed),
            ("bank", bank_demo.seed),
        ):
            app_rng = random.Random(f"{SEED}:{cooperative.slug}:{app_label}")
            for key, count in seeder(cooperative=cooperative, rng=app_rng).items():
                result.counts[f"{cooperative.slug}:{key}"] = count
    result.logins.append(
        DemoLogin(demo_entrepreneur.email, cooperative.slug, (Role.ENTREPRENEUR,), False)
    )


@transaction.atomic
def demo_seed() -> DemoResult:
    rng = random.Random(SEED)
    password_hash = make_password(DEMO_PASSWORD, salt="perspectives-demo")
    result = DemoResult()

    perspectives = _cooperative(
        name="Perspectives",
        slug="perspectives",
        siren="842135709",
        legal_form=LegalForm.SCOP_SARL,
        city="Perpignan",
    )
    domain = "perspectives.example"
    _seed_cooperative(
        cooperative=perspectives,
        staff=[
            _Person(f"gerante@{domain}", "Marion", "Roussel", (Role.MANAGER, Role.ADMIN)),
            _Person(f"gerant@{domain}", "Jordi", "Puig", (Role.MANAGER,)),
            _Person(f"comptable@{domain}", "Nadia", "Benali", (Role.ACCOUNTANT,)),
            _Person(f"paie@{domain}", "Olivier", "Castell", (Role.PAYROLL,)),
            _Person(f"accompagnatrice@{domain}", "Sophie", "Lambert", (Role.SUPPORT,)),
            _Person(f"accompagnateur@{domain}", "Marc", "Delmas", (Role.SUPPORT,)),
            _Person(f"appui.batiment@{domain}", "Isabelle", "Ortega", (Role.SUPPORT,)),
            _Person(f"appui.formation@{domain}", "Thomas", "Ribes", (Role.SUPPORT,)),
        ],
        entrepreneur_count=150,
        demo_entrepreneur=_Person(f"entrepreneur@{domain}", "Léa", "Martin", (Role.ENTREPRENEUR,)),
        email_domain=domain,
        password_hash=password_hash,
        rng=rng,
        result=result,
    )

    canigou = _cooperative(
        name="Les Ateliers du Canigou",
        slug="canigou",
        siren="915360242",
        legal_form=LegalForm.SCIC_SAS,
        city="Prades",
    )
    domain = "canigou.example"
    _seed_cooperative(
        cooperative=canigou,
        staff=[
            _Person(f"gerant@{domain}", "Pere", "Vilanova", (Role.MANAGER, Role.ADMIN)),
            _Person(f"accompagnatrice@{domain}", "Anna", "Sola", (Role.SUPPORT,)),
        ],
        entrepreneur_count=12,
        demo_entrepreneur=_Person(f"entrepreneur@{domain}", "Marc", "Coll", (Role.ENTREPRENEUR,)),
        email_domain=domain,
        password_hash=password_hash,
        rng=rng,
        result=result,
    )

    staff_user, created = User.objects.get_or_create(
        email="plateforme@perspectives.example",
        defaults={
            "first_name": "Équipe",
            "last_name": "Plateforme",
            "password": password_hash,
            "is_staff": True,
            "is_superuser": True,
        },
    )
    if created:
        from allauth.account.models import EmailAddress

        EmailAddress.objects.create(
            user=staff_user, email=staff_user.email, verified=True, primary=True
        )
    result.logins.append(DemoLogin(staff_user.email, "-", ("platform staff",), False))
    return result
