from __future__ import annotations

import pytest

from governance.models import AdmissionApplication, Assembly, Associate
from governance.services import consultation_progress, roll_hash_of
from governance.services.verify import governance_verify
from perspectives.tenancy.context import cooperative_context
from perspectives.tenancy.models import Cooperative
from top.demo.services import demo_seed

# The test seeds the whole demo once, and reads both demo cooperatives.
pytestmark = pytest.mark.slow


@pytest.mark.django_db
def test_demo_register_assemblies_and_scic_consultation() -> None:
    demo_seed()
    _register_and_assemblies()
    _scic_open_written_consultation()


def _register_and_assemblies() -> None:
    perspectives = Cooperative.objects.get(slug="perspectives")
    with cooperative_context(perspectives.pk):
        past, upcoming = Assembly.objects.order_by("scheduled_at")
        outcomes = list(past.resolutions.order_by("position").values_list("outcome", flat=True))
        employees = Associate.objects.filter(category="employee", exited_on__isnull=True)
        linked = employees.filter(entrepreneur__associate_since__isnull=False).count()
        employee_count = employees.count()
        pending = AdmissionApplication.objects.filter(status="approved").count()
        assert roll_hash_of(past) == past.roll_hash
        assert roll_hash_of(upcoming) == upcoming.roll_hash
        upcoming_participations = upcoming.resolutions.order_by("position")[
            0
        ].participations.count()
    assert (past.status, upcoming.status) == ("closed", "convened")
    assert outcomes == ["adopted", "adopted", "adopted", "adopted"]
    assert linked == employee_count == 34
    assert pending == 3  # voted in June, shares not yet subscribed
    assert upcoming_participations == 7  # votes by correspondence already in


def _scic_open_written_consultation() -> None:
    canigou = Cooperative.objects.get(slug="canigou")
    with cooperative_context(canigou.pk):
        consultation = Assembly.objects.get(mode="written")
        answered = consultation_progress(consultation=consultation).answered
        roll = consultation.roll_size
        manager_on_roll = consultation.roll.filter(user__email="gerant@canigou.example").exists()
        statuses = set(consultation.resolutions.values_list("status", flat=True))
        assert governance_verify() == []
    assert consultation.status == "open"
    assert statuses == {"open"}
    assert answered == (roll - 1) // 3  # the manager's demo login is left to answer
    assert manager_on_roll
