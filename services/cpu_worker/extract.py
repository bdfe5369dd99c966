"""Plain text out of uploaded documents (.txt/.md, .pdf, .docx), sniffed by magic bytes.

The api imports this to reject bad uploads before storing them, so it must stay free of
torch; pypdf and python-docx are imported only when a PDF or DOCX actually arrives.
"""

import codecs
import io
import re
import unicodedata
import zipfile
from pathlib import PurePath

from common.errors import JobError

TEXT_EXTENSIONS = {".txt", ".md", ".markdown", ".text"}
# Names or types that promise a binary format: text bytes under them are not what was claimed.
CLAIMED_BINARY_EXTENSIONS = {".pdf", ".docx", ".doc"}
CLAIMED_BINARY_TYPES = {
    "application/pdf",
    "application/msword",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
DOCX_MAX_XML_BYTES = 200 * 1024 * 1024  # a zip bomb would otherwise inflate in memory
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


def extract_text(data: bytes, filename: str | None, content_type: str | None) -> str:
    """Return the document's text, or raise JobError unsupported_/unreadable_document."""
    if not data.strip():
        raise JobError("unreadable_document", "The file is empty.")
    ext = PurePath(filename).suffix.lower() if filename else ""
    ctype = (content_type or "").split(";")[0].strip().lower()
    if data[:1024].lstrip().startswith(b"%PDF-"):
        text = _pdf_text(data)
    elif data[:4] == b"PK\x03\x04":
        text = _docx_text(data)
    else:
        for magic, what in _MAGIC.items():
            if data.startswith(magic):
                raise JobError("unsupported_document", f"The file is {what}, not a document.")
        claimed_binary = ext in CLAIMED_BINARY_EXTENSIONS or ctype in CLAIMED_BINARY_TYPES
        textual = not ext or ext in TEXT_EXTENSIONS or ctype.startswith("text/")
        if claimed_binary:
            claim = ext or ctype
            raise JobError("unsupported_document", f"The file claims {claim} but is not one.")
        if not textual:
            raise JobError(
                "unsupported_document",
                f"Unsupported document {filename or ctype!r}: send PDF, DOCX, TXT or MD.",
            )
        text = _decode(data)
    text = _clean(text)
    if not text:
        raise JobError("unreadable_document", "No text could be extracted from the document.")
    return text


def _decode(data: bytes) -> str:
    """Decode a text file: BOMs first, then UTF-8, then CP949 (a superset of EUC-KR)."""
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16")):
        if data.startswith(bom):
            return data.decode(encoding, errors="replace")
    if data.startswith(codecs.BOM_UTF16_BE):
        return data.decode("utf-16", errors="replace")
    if b"\x00" in data[:8192]:
        raise JobError("unsupported_document", "The file is binary, not a text document.")
    for encoding in ("utf-8", "cp949"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        controls = sum(1 for c in text[:8192] if unicodedata.category(c) == "Cc")
        controls -= sum(text[:8192].count(c) for c in "\t\n\r\f")
        if controls > 0.05 * min(len(text), 8192):
            raise JobError("unsupported_document", "The file is binary, not a text document.")
        return text
    raise JobError("unreadable_document", "The text file is not UTF-8 or CP949/EUC-KR.")


def _pdf_text(data: bytes) -> str:
    """Text of every page, pages separated by a blank line."""
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data))
        # Many "protected" PDFs only restrict printing: the empty user password opens them.
        if reader.is_encrypted and not reader.decrypt(""):
            raise JobError("unreadable_document", "The PDF is password-protected.")
        pages = [page.extract_text() or "" for page in reader.pages]
    except JobError:
        raise
    except Exception as exc:  # pypdf raises many types on damaged or exotic files
        raise JobError("unreadable_document", f"The PDF could not be read: {exc}") from exc
    return "\n\n".join(pages)


def _docx_text(data: bytes) -> str:
    """Paragraphs and table rows in document order; cells joined with ' | '."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            info = zf.getinfo("word/document.xml")
    except (zipfile.BadZipFile, KeyError) as exc:
        raise JobError(
            "unsupported_document", "The zip file is not a Word document (.docx)."
        ) from exc
    if info.file_size > DOCX_MAX_XML_BYTES:
        raise JobError("unreadable_document", "The Word document is too large.")
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
        return "\n".join(_blocks(document))
    except Exception as exc:  # damaged parts surface as lxml, KeyError, ValueError...
        raise JobError("unreadable_document", f"The DOCX could not be read: {exc}") from exc


def _blocks(container: object) -> list[str]:
    """Lines of a document body or table cell, recursing into nested tables."""
    from docx.table import Table

    lines: list[str] = []
    for block in container.iter_inner_content():  # type: ignore[attr-defined]
        if not isinstance(block, Table):
            lines.append(block.text)
            continue
        for row in block.rows:
            cells: list[str] = []
            seen: list[object] = []  # lxml elements compare by identity while referenced
            for cell in row.cells:
                # A merged cell comes back once per grid column it spans.
                if cell._tc in seen:
                    continue
                seen.append(cell._tc)
                text = " ".join(line for line in _blocks(cell) if line.strip())
                cells.append(text.strip())
            if any(cells):
                lines.append(" | ".join(cells))
        lines.append("")
    return lines


def _clean(text: str) -> str:
    """NFC (macOS and some PDFs decompose Hangul), LF newlines, no runs of blank lines."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = text.replace("\x00", "").replace("\u00a0", " ")
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    return re.sub(r"\n{3,}", "\n\n", text).strip()
