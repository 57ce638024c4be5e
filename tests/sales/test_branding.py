"""An activity's branding on its PDF documents: the logo, the accent colour and the footer line,
set on a page or through the API, checked before anything is written, and shown in the PDF."""

from __future__ import annotations

import shutil
import subprocess

import facturx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.utils.html import escape

from perspectives.core.exceptions import ApplicationError
from perspectives.tenancy.context import cooperative_context
from sales.facturx import cii_xml, document_html, facturx_pdf
from sales.models import ActivityBranding, accent_text_color, contrast_ratio
from sales.services.branding import branding_set
from tests.conftest import World
from tests.sales.conftest import API, PAGES, Sales, Shop, png_upload, shop  # noqa: F401 (fixture)
from tests.sales.schematron import schematron_en16931

FOOTER = "Atelier Alice – bois massif depuis 2019"


def _poppler(tool: str, option: str, pdf: bytes) -> str:
    """What a poppler-utils tool says of the PDF (given on stdin)."""
    path = shutil.which(tool) or f"/usr/bin/{tool}"
    return subprocess.run(  # noqa: S603 - fixed arguments, the PDF on stdin
        [path, option, "-", "-"] if tool == "pdftotext" else [path, option, "-"],
        input=pdf,
        capture_output=True,
        check=True,
    ).stdout.decode()


def test_the_text_colour_is_chosen_by_contrast() -> None:
    assert accent_text_color("#1F4E79") == "#FFFFFF"
    assert accent_text_color("#FFD700") == "#000000"
    assert accent_text_color("") == ""
    assert round(contrast_ratio("#000000", "#FFFFFF"), 2) == 21.0
    for accent in ("#1F4E79", "#FFD700", "#777777", "#00FF00"):
        assert contrast_ratio(accent, accent_text_color(accent)) >= 4.5, accent


def test_bad_input_is_refused_in_french_and_nothing_changes(sales: Sales) -> None:
    saved = branding_set(
        activity=sales.activity,
        user=None,  # type: ignore[arg-type]
        accent_color="#1f4e79",
        footer=f"  {FOOTER} ",
    )
    assert (saved.accent_color, saved.footer, saved.accent_text_color) == (
        "#1F4E79",
        FOOTER,
        "#FFFFFF",
    )
    fake = SimpleUploadedFile("logo.png", b"GIF89a not a png", content_type="image/png")
    big = SimpleUploadedFile("logo.jpg", b"\xff\xd8\xff" + b"0" * (1024 * 1024))
    for fields, message in (
        ({"accent_color": "bleu"}, "#RRVVBB"),
        ({"accent_color": "#12345G"}, "#RRVVBB"),
        ({"footer": "x" * 201}, "au plus 200 caractères"),
        ({"logo": fake}, "ne correspond pas à son extension"),
        ({"logo": SimpleUploadedFile("logo.gif", b"GIF89a")}, "PNG ou JPEG"),
        ({"logo": big}, "au plus 1 Mo"),
    ):
        data = {"accent_color": "#000000", "footer": "autre", **fields}
        with pytest.raises(ApplicationError, match=message):
            branding_set(activity=sales.activity, user=None, **data)  # type: ignore[arg-type]
    branding = ActivityBranding.objects.get()
    assert (branding.accent_color, branding.footer, bool(branding.logo)) == (
        "#1F4E79",
        FOOTER,
        False,
    )


def test_without_branding_the_document_is_as_before(sales: Sales) -> None:
    html = document_html(sales.validated_invoice())
    assert 'brand-logo"' not in html
    assert "<img" not in html
    assert "th { background" not in html


def test_a_branded_invoice_stays_valid_factur_x_and_shows_logo_and_footer(sales: Sales) -> None:
    branding_set(
        activity=sales.activity,
        user=None,  # type: ignore[arg-type]
        accent_color="#FFD700",
        footer=FOOTER + ' "citée" <b>',
        logo=png_upload(size=(64, 32)),
    )
    invoice = sales.validated_invoice()
    html = document_html(invoice)
    assert "th { background: #FFD700; color: #000000;" in html
    assert 'src="data:image/png;base64,' in html

    content = facturx_pdf(invoice)
    name, xml = facturx.get_xml_from_pdf(content, check_xsd=True)
    assert name == "factur-x.xml"
    assert xml == cii_xml(invoice)
    assert schematron_en16931(xml)["failed"] == []

    images = _poppler("pdfimages", "-list", content).splitlines()[2:]
    assert [(row.split()[3], row.split()[4]) for row in images] == [("64", "32")]
    text = _poppler("pdftotext", "-layout", content)
    assert FOOTER + ' "citée" <b>' in text
    assert "F2026-00001" in text


def test_the_page_and_the_api(shop: Shop, world: World, client: Client) -> None:  # noqa: F811
    client.force_login(world.alice)
    page = PAGES + f"branding/{shop.mine.pk}/"
    assert list(client.get(PAGES + "branding/").context["activities"]) == [shop.mine]
    assert client.get(page).status_code == 200
    assert client.get(PAGES + f"branding/{shop.other.pk}/").status_code == 404
    assert client.get(page + "logo/").status_code == 404

    bad = client.post(page, {"accent_color": "rouge", "footer": "Pied"}, follow=True)
    assert escape("La couleur d'accent s'écrit #RRVVBB") in bad.text
    with cooperative_context(world.coop_a.pk):
        assert not ActivityBranding.objects.exists()

    done = client.post(
        page, {"accent_color": "#1f4e79", "footer": FOOTER, "logo": png_upload()}, follow=True
    )
    assert "Charte graphique de Atelier Alice enregistrée." in done.text
    logo = client.get(page + "logo/")
    assert (logo.status_code, logo["Content-Type"]) == (200, "image/png")
    assert b"".join(logo.streaming_content).startswith(b"\x89PNG")  # type: ignore[attr-defined]

    api = API + f"branding/{shop.mine.pk}/"
    assert client.get(api).json() == {
        "activity": shop.mine.pk,
        "accent_color": "#1F4E79",
        "accent_text_color": "#FFFFFF",
        "footer": FOOTER,
        "has_logo": True,
    }
    refused = client.put(
        api, {"accent_color": "#FFF", "footer": ""}, content_type="application/json"
    )
    assert refused.status_code == 400
    assert "#RRVVBB" in refused.text
    changed = client.put(
        api,
        {"accent_color": "#FFD700", "footer": "", "remove_logo": True},
        content_type="application/json",
    )
    assert changed.json() == {
        "activity": shop.mine.pk,
        "accent_color": "#FFD700",
        "accent_text_color": "#000000",
        "footer": "",
        "has_logo": False,
    }
    assert client.get(API + f"branding/{shop.other.pk}/").status_code == 404
    fake = SimpleUploadedFile("logo.jpg", b"\x89PNG\r\n\x1a\n")
    for upload, code in ((fake, 400), (png_upload("nouveau.png"), 200)):
        answer = client.put(
            api,
            encode_multipart(BOUNDARY, {"accent_color": "#FFD700", "logo": upload}),
            content_type=MULTIPART_CONTENT,
        )
        assert answer.status_code == code
    assert (
        "ne correspond pas à son extension"
        in client.put(
            api,
            encode_multipart(BOUNDARY, {"logo": SimpleUploadedFile("logo.png", b"GIF89a")}),
            content_type=MULTIPART_CONTENT,
        ).text
    )
    assert client.get(api).json()["has_logo"] is True

    # Support staff handle every activity's branding; another cooperative gets 404 everywhere.
    client.force_login(world.bob)
    assert client.get(PAGES + f"branding/{shop.other.pk}/").status_code == 200
    client.force_login(world.charlie)
    for path in (
        page,
        api,
        f"/c/coop-b/sales/branding/{shop.mine.pk}/",
        f"/c/coop-b/sales/branding/{shop.mine.pk}/logo/",
        f"/api/v1/c/coop-b/sales/branding/{shop.mine.pk}/",
    ):
        assert client.get(path).status_code == 404, path
    assert (
        client.put(
            f"/api/v1/c/coop-b/sales/branding/{shop.mine.pk}/",
            {"accent_color": "#000000"},
            content_type="application/json",
        ).status_code
        == 404
    )
