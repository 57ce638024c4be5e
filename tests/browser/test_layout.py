"""Every role's main pages fit a phone (390×844) and a laptop (1280×800): the document is never
wider than the viewport, the menu is reachable, and axe-core finds no serious or critical
violation. Screenshots and the axe results are saved under test-results/layout/ by every run."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse

from accounting.models import FiscalYear
from entrepreneurs.models import Activity, Entrepreneur
from governance.models import Assembly
from payroll.models import PayrollRun, Payslip
from perspectives.accounts.models import User
from perspectives.tenancy.context import cooperative_context
from perspectives.tenancy.models import Cooperative

OUT = Path(__file__).resolve().parents[2] / "test-results" / "layout"
AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
VIEWPORTS = {"phone": (390, 844), "laptop": (1280, 800)}
SLUG = "perspectives"

# What a page that does not fit says about itself: the elements that stick out on the right.
WIDTH_PROBE = """() => {
  const root = document.documentElement;
  const limit = root.clientWidth;
  const culprits = [];
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.width && box.right > limit + 1) {
      const parentBox = el.parentElement ? el.parentElement.getBoundingClientRect() : null;
      if (!parentBox || parentBox.right <= limit + 1) {
        culprits.push(el.tagName.toLowerCase() + (el.className && typeof el.className === 'string'
          ? '.' + el.className.trim().split(/\\s+/).join('.') : '') + ' ' + Math.round(box.right));
      }
    }
  }
  return {scroll: root.scrollWidth, client: limit, culprits: culprits.slice(0, 8)};
}"""


def _pages() -> dict[str, list[str]]:
    """The main pages of each demo role, as paths of the demo cooperative."""
    cooperative = Cooperative.objects.get(slug=SLUG)
    with cooperative_context(cooperative.pk):
        lea = Entrepreneur.objects.get(user__email="entrepreneur@perspectives.example")
        activity = (
            Activity.objects.filter(members__entrepreneur=lea).first() or Activity.objects.first()
        )
        assert activity is not None
        run = PayrollRun.objects.order_by("-period").first()
        payslip = (
            Payslip.objects.filter(entrepreneur=lea, issued_at__isnull=False)
            .order_by("-period")
            .first()
        )
        assembly = Assembly.objects.order_by("-pk").first()
        assert FiscalYear.objects.exists()

    def url(name: str, *args: Any) -> str:
        return reverse(name, args=[SLUG, *args])

    return {
        "entrepreneur@perspectives.example": [
            url("cooperative_home"),
            url("my_file"),
            url("activity_detail", activity.pk),
            url("ledger_activity_pnl", activity.pk),
            url("ledger_activity_treasury", activity.pk),
            url("payroll_home"),
            *([url("payroll_payslip_detail", payslip.pk)] if payslip else []),
            url("payroll_my_rights"),
            url("governance_me"),
            url("skill_directory"),
            url("sales_home"),
            url("purchases_expense_list"),
        ],
        "accompagnatrice@perspectives.example": [
            url("cooperative_home"),
            url("entrepreneur_list"),
            url("entrepreneur_detail", lea.pk),
            url("agenda"),
            url("workshop_list"),
        ],
        "comptable@perspectives.example": [
            url("cooperative_home"),
            url("ledger_home"),
            url("ledger_trial_balance"),
            url("bank_home"),
            url("purchases_home"),
            url("purchases_settings"),
        ],
        "paie@perspectives.example": [
            url("cooperative_home"),
            url("payroll_home"),
            *([url("payroll_run_detail", run.pk)] if run else []),
        ],
        "gerante@perspectives.example": [
            url("cooperative_home"),
            url("governance_register"),
            url("governance_assembly_list"),
            *([reverse("governance_assembly", args=[SLUG, assembly.pk])] if assembly else []),
            url("member_list"),
            reverse("styleguide"),  # every component of the design system
        ],
    }


def _session_cookie(email: str, base: str) -> dict[str, Any]:
    client = Client()
    client.force_login(User.objects.get(email=email))
    return {
        "name": settings.SESSION_COOKIE_NAME,
        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "url": base,
    }


@pytest.mark.django_db(transaction=True)
def test_every_role_s_pages_fit_a_phone_and_a_laptop(
    demo: None, live_server: Any, browser: Any
) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    base = live_server.url
    # ORM calls while Playwright's event loop runs use their own connection: close it, so the
    # test database can be dropped at the end.
    try:
        pages = _pages()
        cookies = {email: _session_cookie(email, base) for email in pages}
    finally:
        connection.close()
    axe_source = AXE.read_text(encoding="utf-8") if AXE.exists() else None
    too_wide: list[str] = []
    blocking: list[str] = []
    report: dict[str, Any] = {}
    for email, paths in pages.items():
        role = email.split("@")[0]
        for device, (width, height) in VIEWPORTS.items():
            context = browser.new_context(
                locale="fr-FR", viewport={"width": width, "height": height}
            )
            context.add_cookies([cookies[email]])
            page = context.new_page()
            for number, path in enumerate(paths):
                response = page.goto(base + path)
                assert response is not None
                assert response.status == 200, (email, path)
                probe = page.evaluate(WIDTH_PROBE)
                if probe["scroll"] > probe["client"]:
                    too_wide.append(f"{device} {role} {path}: {probe}")
                name = f"{role}-{number:02d}-{device}"
                page.screenshot(path=str(OUT / f"{name}.png"), full_page=True)
                if number == 0:
                    _check_menu(page, device)
                if axe_source is not None:
                    # Evaluated through the DevTools protocol: the CSP refuses inline scripts.
                    page.evaluate(f"() => {{ {axe_source}\n}}")
                    result = page.evaluate(
                        "async () => { const r = await axe.run(document, {resultTypes: "
                        "['violations']}); return r.violations.map(v => ({id: v.id, impact: "
                        "v.impact, help: v.help, nodes: v.nodes.map(n => n.target.join(' '))"
                        ".slice(0, 5)})); }"
                    )
                    report[f"{device} {role} {path}"] = result
                    blocking += [
                        f"{device} {role} {path}: {v['id']} {v['nodes']}"
                        for v in result
                        if v["impact"] in ("serious", "critical")
                    ]
            context.close()
    (OUT / "axe.json").write_text(json.dumps(report, indent=1, ensure_ascii=False))
    assert too_wide == []
    assert blocking == []


def _check_menu(page: Any, device: str) -> None:
    """On a phone the navigation hides behind the menu button and opens with it; on a laptop it
    is visible as it is."""
    toggle = page.locator(".menu-toggle")
    first_link = page.locator(".mainnav a").first
    if device == "phone":
        assert toggle.is_visible()
        assert toggle.get_attribute("aria-expanded") == "false"
        assert not first_link.is_visible()
        toggle.focus()
        page.keyboard.press("Enter")
        assert toggle.get_attribute("aria-expanded") == "true"
        assert first_link.is_visible()
        page.keyboard.press("Escape")
        assert toggle.get_attribute("aria-expanded") == "false"
    else:
        assert not toggle.is_visible()
        assert first_link.is_visible()
