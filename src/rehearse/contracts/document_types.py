"""What kind of document an upload is, from its first bytes: cheap enough for the api.

The api refuses what no extractor reads before storing anything; the cpu ingest step then
extracts the text (bounded), with the same answer for the same bytes.
"""

import codecs
from pathlib import PurePath
from typing import Literal

from rehearse.base.errors import JobError

DocumentKind = Literal["pdf", "docx", "text"]

TEXT_EXTENSIONS = {".txt", ".md", ".markdown", ".text"}
# Names or types that promise a binary format: text bytes under them are not what was claimed.
CLAIMED_BINARY_EXTENSIONS = {".pdf", ".docx", ".doc"}
CLAIMED_BINARY_TYPES = {
    "application/pdf",
    "application/msword",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
_MAGIC = {
    b"MZ": "a Windows executable",
    b"\x7fELF": "an ELF executable",
    b"\xd0\xcf\x11\xe0": "an old Office (OLE2) file; save it as .docx or PDF",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"\x1f\x8b": "a gzip archive",
    b"Rar!": "a RAR archive",
    b"7z\xbc\xaf": "a 7-Zip archive",
}
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def sniff_document(data: bytes, filename: str | None, content_type: str | None) -> DocumentKind:
    """The document's kind; JobError unsupported_/unreadable_document when none fits."""
    if not data.strip():
        raise JobError("unreadable_document", "The file is empty.")
    if data[:1024].lstrip().startswith(b"%PDF-"):
        return "pdf"
    if data[:4] == b"PK\x03\x04":
        return "docx"
    for magic, what in _MAGIC.items():
        if data.startswith(magic):
            raise JobError("unsupported_document", f"The file is {what}, not a document.")
    ext = PurePath(filename).suffix.lower() if filename else ""
    ctype = (content_type or "").split(";")[0].strip().lower()
    if ext in CLAIMED_BINARY_EXTENSIONS or ctype in CLAIMED_BINARY_TYPES:
        raise JobError("unsupported_document", f"The file claims {ext or ctype} but is not one.")
    if ext and ext not in TEXT_EXTENSIONS and not ctype.startswith("text/"):
        raise JobError(
            "unsupported_document",
            f"Unsupported document {filename or ctype!r}: send PDF, DOCX, TXT or MD.",
        )
    if not data.startswith(_UTF16_BOMS) and b"\x00" in data[:8192]:
        raise JobError("unsupported_document", "The file is binary, not a text document.")
    return "text"
