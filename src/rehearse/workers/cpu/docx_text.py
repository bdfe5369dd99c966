"""Text of a .docx read as a stream: bounded in bytes and characters however large it claims.

python-docx parses the whole `word/document.xml` into a tree: a few hundred KB of zip that
inflate to 150 MB of XML took gigabytes and minutes. Here the entry is inflated 64 KB at a time
into a pull parser, every element is dropped once read, and reading stops past the limits.
"""

import io
import logging
import zipfile

from lxml import etree

from rehearse.base.errors import JobError

log = logging.getLogger(__name__)
MAX_XML_BYTES = 64 * 1024 * 1024  # real documents are a few MB of XML; a bomb is refused here
_READ_BYTES = 64 * 1024
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_RUN_TEXT = {f"{_W}t": None, f"{_W}tab": "\t", f"{_W}br": "\n", f"{_W}cr": "\n"}


def too_large(what: str) -> JobError:
    return JobError("document_too_large", f"The document is too large: {what}.")


def damaged(kind: str, exc: Exception, others: str) -> JobError:
    """`unreadable_document` in plain words: the parser's own text names only its internals."""
    log.info("%s not readable: %s", kind, type(exc).__name__)
    return JobError(
        "unreadable_document",
        f"The {kind} could not be read; it may be damaged. Save it again as {kind}, or send "
        f"{others}.",
    )


class _Lines:
    """Paragraphs and table rows in document order; cells joined with ' | ' (as python-docx)."""

    def __init__(self, max_chars: int) -> None:
        self.max_chars, self.chars = max_chars, 0
        # One frame per open body, paragraph, table, row or cell; "skip" inside text boxes.
        self.stack: list[tuple[str, list[str]]] = [("body", [])]

    def start(self, tag: str) -> None:
        if not tag.startswith(_W) or tag[len(_W) :] not in ("p", "tbl", "tr", "tc"):
            return
        # A paragraph inside a paragraph is a text box (often twice, as mc:Fallback): skipped.
        inside_p = self.stack[-1][0] in ("p", "skip")
        self.stack.append(("skip" if inside_p else tag[len(_W) :], []))

    def end(self, element: etree._Element) -> None:
        tag, top = element.tag, self.stack[-1]
        if tag in _RUN_TEXT and top[0] == "p":
            text = _RUN_TEXT[tag] if _RUN_TEXT[tag] is not None else element.text or ""
            self.chars += len(text)
            if self.chars > self.max_chars:
                raise too_large(f"more than {self.max_chars} characters")
            top[1].append(text)
        elif tag in (f"{_W}p", f"{_W}tbl", f"{_W}tr", f"{_W}tc"):
            kind, parts = self.stack.pop()
            self._close(kind, parts)

    def _close(self, kind: str, parts: list[str]) -> None:
        into = self.stack[-1][1]
        if kind == "p":
            into.append("".join(parts))
        elif kind == "tc":
            into.append(" ".join(line for line in parts if line.strip()).strip())
        elif kind == "tr" and any(parts):
            into.append(" | ".join(parts))
        elif kind == "tbl":
            into.extend([*parts, ""])

    def text(self) -> str:
        return "\n".join(self.stack[0][1])


def docx_text(data: bytes, max_chars: int) -> str:
    """The document's text; JobError unsupported_/unreadable_document or document_too_large."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entry = archive.getinfo("word/document.xml")
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise JobError(
            "unsupported_document", "The zip file is not a Word document (.docx)."
        ) from exc
    if entry.file_size > MAX_XML_BYTES:
        raise too_large(f"its text part inflates to {entry.file_size} bytes")
    lines = _Lines(max_chars)
    parser = etree.XMLPullParser(
        events=("start", "end"), resolve_entities=False, no_network=True, huge_tree=False
    )
    read = 0
    try:
        with archive.open(entry) as xml:
            while chunk := xml.read(_READ_BYTES):
                read += len(chunk)
                if read > MAX_XML_BYTES:  # the zip's stated size was a lie
                    raise too_large(f"its text part inflates past {MAX_XML_BYTES} bytes")
                parser.feed(chunk)
                _drain(parser, lines)
        parser.close()
        _drain(parser, lines)
    except JobError:
        raise
    except Exception as exc:  # damaged zip or XML: zlib, lxml, CRC errors
        raise damaged("DOCX", exc, "PDF, TXT or MD") from exc
    return lines.text()


def _drain(parser: etree.XMLPullParser, lines: _Lines) -> None:
    for event, element in parser.read_events():
        if event == "start":
            lines.start(element.tag)
            continue
        lines.end(element)
        # Read once: drop the element and its finished siblings so memory stays flat.
        element.clear(keep_tail=True)
        parent = element.getparent()
        while parent is not None and element.getprevious() is not None:
            del parent[0]
