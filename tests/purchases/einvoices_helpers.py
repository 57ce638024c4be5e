"""Real EN 16931 example files (tests/purchases/einvoices/), addressed to a test cooperative."""

from __future__ import annotations

from pathlib import Path

from purchases import sample_einvoices

EXAMPLES = Path(__file__).resolve().parent / "einvoices"
blank_pdf = sample_einvoices.blank_pdf
facturx = sample_einvoices.facturx


def example(name: str) -> bytes:
    return (EXAMPLES / name).read_bytes()


def addressed_to(name: str, *, siren: str, address: str, billing_mode: str = "") -> bytes:
    """The example with the buyer given our SIREN (BT-47) and electronic address (BT-49), and
    the French cadre de facturation (BT-23) if given."""
    return sample_einvoices.addressed_to(
        example(name),
        siren=siren,
        address=address,
        buyer_name="Coopérative A",
        billing_mode=billing_mode,
    )
