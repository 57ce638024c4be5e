"""Run an official schematron (compiled to XSLT 2.0) on an XML document with SaxonC-HE, in a
child process: its GraalVM isolate does not survive a fork or threads of the test process.
Returns the failed assertions (id, location, text) and the number of rules fired."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

_SCRIPT = r"""
import json, sys
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


def schematron_run(xslt: Path, xml: bytes) -> dict[str, object]:
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


def schematron_cdar(xml: bytes) -> dict[str, object]:
    """The French CDAR rules (FNFE-MPE BR-FR-CDV schematron V1.4.0, the XSLT `pyfrctc` ships,
    identical to fnfempe/France_RFE `FNFE_RFE_INVOICE/CDAR/2xslt`) on a lifecycle message."""
    import pyfrctc

    xslt = Path(pyfrctc.__file__).parent / "cdar-schematron" / "BR-FR-CDV-Schematron-CDAR.xslt"
    return schematron_run(xslt, xml)
