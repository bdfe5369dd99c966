"""Plain text out of uploaded documents (.txt/.md, .pdf, .docx), bounded while it is read.

Runs in the cpu ingest step, never in an api request: a hostile file costs this job its
limits, not the api its memory. pypdf and lxml are imported only when such a file arrives.
"""

import codecs
import io
import re
import unicodedata

from rehearse.base.errors import JobError
from rehearse.contracts.document_types import sniff_document
from rehearse.contracts.storable import without_unstorable
from rehearse.workers.cpu.docx_text import damaged, docx_text, too_large


def extract_text(
    data: bytes, filename: str | None, content_type: str | None, max_chars: int
) -> str:
    """The document's cleaned text; JobError unsupported_/unreadable_document, document_too_large.

    Extraction stops as soon as more than `max_chars` characters were read.
    """
    kind = sniff_document(data, filename, content_type)
    if kind == "pdf":
        text = _pdf_text(data, max_chars)
    elif kind == "docx":
        text = docx_text(data, max_chars)
    else:
        text = _decode(data)
        if len(text) > max_chars:
            raise too_large(f"more than {max_chars} characters")
    text = clean_text(text)
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


def _pdf_text(data: bytes, max_chars: int) -> str:
    """Text of the pages, read one at a time until `max_chars`; pages joined by a blank line."""
    from pypdf import PdfReader

    pages: list[str] = []
    chars = 0
    try:
        reader = PdfReader(io.BytesIO(data))
        # Many "protected" PDFs only restrict printing: the empty user password opens them.
        if reader.is_encrypted and not reader.decrypt(""):
            raise JobError("unreadable_document", "The PDF is password-protected.")
        for page in reader.pages:
            pages.append(page.extract_text() or "")
            chars += len(pages[-1])
            if chars > max_chars:
                raise too_large(f"more than {max_chars} characters")
    except JobError:
        raise
    except Exception as exc:  # pypdf raises many types on damaged or exotic files
        raise damaged("PDF", exc, "DOCX, TXT or MD") from exc
    return "\n\n".join(pages)


def clean_text(text: str) -> str:
    """NFC (macOS and some PDFs decompose Hangul), LF newlines, no runs of blank lines."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    # PostgreSQL stores neither NUL nor lone surrogates; a PDF's text may hold either.
    text = without_unstorable(text).replace("\u00a0", " ")
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    return re.sub(r"\n{3,}", "\n\n", text).strip()
