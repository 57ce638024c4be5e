"""Monthly reports: frozen snapshots, PDFs, e-mails; idempotent; through a real worker."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core import mail
from django.test import Client
from pypdf import PdfReader

from entrepreneurs.models import Activity, Entrepreneur
from perspectives.tenancy.context import cooperative_context
from tests.conftest import World
from tests.dashboards.conftest import sale
from top.dashboards import reports
from top.dashboards.models import ReportSnapshot
from top.dashboards.tasks import monthly_reports_start_task

OCTOBER = dt.date(2026, 10, 1)


def _text(snapshot: ReportSnapshot) -> str:
    with snapshot.pdf.open("rb") as pdf:
        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.read())).pages)


def test_reports_are_frozen_rendered_sent_once(world: World, history: Activity) -> None:
    with cooperative_context(world.coop_a.pk):
        Entrepreneur.objects.filter(user=world.alice).update(email="alice.pro@a.example")
        pending = reports.monthly_reports_prepare(month=OCTOBER)
        kinds = sorted(ReportSnapshot.objects.values_list("kind", flat=True))
        for snapshot_id in pending:
            reports.report_render_and_send(snapshot_id=snapshot_id)
        alice_report = ReportSnapshot.objects.get(kind="entrepreneur")
        # A late entry dated in October does not change the frozen report.
        sale(history, dt.date(2026, 10, 20), 9000)
        assert reports.monthly_reports_prepare(month=OCTOBER) == []
        for snapshot_id in pending:
            reports.report_render_and_send(snapshot_id=snapshot_id)
        alice_report.refresh_from_db()
        progress = reports.report_progress(month=OCTOBER)
    assert kinds == ["cooperative", "entrepreneur", "support"]
    assert len(pending) == 3
    assert sorted(m.to[0] for m in mail.outbox) == [
        "alice.pro@a.example",
        "bob@a.example",
        "carl@a.example",
    ]
    assert progress == {"pending": 0, "rendered": 0, "sent": 3, "failed": 0}
    assert alice_report.figures["key_figures"][0] == [
        "Chiffre d'affaires",
        "1500.00",
        "3000.00",
        "15000.00",
        "28000.00",
    ]
    folder = f"cooperatives/{world.coop_a.pk}/reports/2026-10"
    assert alice_report.pdf.name == f"{folder}/entrepreneur-{alice_report.entrepreneur_id}.pdf"
    text = _text(alice_report).replace("\u202f", " ").replace("\xa0", " ")
    assert "Rapport mensuel octobre 2026" in text
    assert "Alice Arnaud" in text
    assert "15 000,00 €" in text
    attachment = next(m for m in mail.outbox if m.to == ["alice.pro@a.example"]).attachments[0]
    assert (attachment[0], attachment[2]) == ("rapport-2026-10.pdf", "application/pdf")


def test_a_failure_is_recorded_and_the_rest_goes_on(
    world: World, history: Activity, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(html: str) -> bytes:
        raise ValueError("moteur PDF indisponible")

    with cooperative_context(world.coop_a.pk):
        pending = reports.monthly_reports_prepare(month=OCTOBER)
        monkeypatch.setattr(reports, "render_pdf", broken)
        with pytest.raises(ValueError, match="indisponible"):
            reports.report_render_and_send(snapshot_id=pending[0])
        reports.report_failed(snapshot_id=pending[0], error="ValueError: moteur PDF indisponible")
        monkeypatch.undo()
        for snapshot_id in pending[1:]:
            reports.report_render_and_send(snapshot_id=snapshot_id)
        assert reports.report_progress(month=OCTOBER) == {
            "pending": 0,
            "rendered": 0,
            "sent": 2,
            "failed": 1,
        }
        # A re-run picks up the failed one only.
        assert reports.monthly_reports_prepare(month=OCTOBER) == [pending[0]]


@pytest.mark.celery_worker
def test_a_real_worker_sends_the_months_reports(
    world: World, history: Activity, worker: None, client: Client
) -> None:
    result = monthly_reports_start_task.delay(
        cooperative_id=world.coop_a.pk, month=OCTOBER.isoformat()
    )
    assert result.get(timeout=60) == 3
    import time

    with cooperative_context(world.coop_a.pk):
        for _attempt in range(120):
            if ReportSnapshot.objects.filter(status="sent").count() == 3:
                break
            time.sleep(0.25)
        statuses = sorted(ReportSnapshot.objects.values_list("status", flat=True))
        alice_report = ReportSnapshot.objects.get(kind="entrepreneur")
    assert statuses == ["sent", "sent", "sent"]
    client.force_login(world.carl)
    page = client.get("/c/coop-a/dashboard/reports/?month=2026-10")
    assert "3 rapport(s) envoyé(s) sur 3." in page.text
    client.force_login(world.alice)
    assert client.get(f"/c/coop-a/dashboard/reports/{alice_report.pk}/").status_code == 200
    client.force_login(world.bob)
    assert client.get(f"/c/coop-a/dashboard/reports/{alice_report.pk}/").status_code == 404
    client.force_login(world.charlie)
    assert client.get(f"/c/coop-b/dashboard/reports/{alice_report.pk}/").status_code == 404
