"""The export package of one electronic licence: a ZIP holding the signed PDF as issued, its
metadata as XML and as JSON (GB/T 36903 element names, the same values) and a manifest with
the PDF's SHA-256. Deterministic: the same licence and status give the same bytes."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Mapping
from xml.etree import ElementTree

from approvals.licences.elicence.standard import field_labels

PDF_NAME = "certificate.pdf"
FIXED_TIME = (2018, 11, 15, 0, 0, 0)  # ZIP entries carry no time of export (GB/T 36903's date)


def metadata_xml(fields: Mapping[str, object], status: str) -> bytes:
    root = ElementTree.Element("ElectronicCertificate", {"standard": "GB/T 36903-2018"})
    labels = field_labels()
    for name in labels:
        element = ElementTree.SubElement(root, name, {"label": labels[name]})
        element.text = str(fields.get(name, ""))
    ElementTree.SubElement(root, "certificateStatus", {"label": "证照状态"}).text = status
    ElementTree.indent(root)
    text: bytes = ElementTree.tostring(root, encoding="utf-8", xml_declaration=True)
    return text


def metadata_json(fields: Mapping[str, object], status: str) -> bytes:
    body = {name: str(fields.get(name, "")) for name in field_labels()}
    body["certificateStatus"] = status
    return json.dumps(body, ensure_ascii=False, indent=2).encode("utf-8")


def build_package(fields: Mapping[str, object], status: str, pdf: bytes) -> bytes:
    """The ZIP: certificate.pdf, metadata.xml, metadata.json, manifest.json."""
    files = {
        PDF_NAME: pdf,
        "metadata.xml": metadata_xml(fields, status),
        "metadata.json": metadata_json(fields, status),
    }
    manifest = {
        "certificateIdentifier": str(fields.get("certificateIdentifier", "")),
        "files": [
            {"name": name, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
            for name, data in files.items()
        ],
    }
    files["manifest.json"] = json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(zipfile.ZipInfo(name, FIXED_TIME), data, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()
