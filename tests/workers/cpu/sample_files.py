"""Documents for ingest and search tests: varied paragraphs, as text, PDF and DOCX bytes."""

import io

TOPICS = [
    "I led a team of five engineers building a Python API server for a payments company.",
    "We moved the database to a managed cloud service and cut query latency by forty percent.",
    "저는 데이터베이스 인덱스를 다시 설계해서 검색 성능 문제를 해결한 경험이 있습니다.",
    "The interview question asked how I would design a rate limiter for a public service.",
    "In my final university year I built a machine learning model to detect spam users.",
    "면접에서 가장 어려웠던 프로젝트에 대해 설명하고 배운 점을 말씀드렸습니다.",
]


def paragraphs(n: int = 12, tag: str = "") -> list[str]:
    """n distinct paragraphs of a few sentences each, long enough to make several chunks."""
    out = []
    for i in range(n):
        first, second = TOPICS[i % len(TOPICS)], TOPICS[(i * 5 + 1) % len(TOPICS)]
        out.append(f"Section {i} {tag}. {first} {second} Project number {i * 37} shipped.")
    return out


def pdf(lines: list[str]) -> bytes:
    """A one-page PDF with one line of ASCII text per entry (Helvetica)."""
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    y = 780
    for line in lines:
        c.drawString(40, y, line)
        y -= 16
    c.save()
    return buf.getvalue()


def docx(texts: list[str]) -> bytes:
    """A Word document with one paragraph per entry."""
    import docx as python_docx

    document = python_docx.Document()
    for text in texts:
        document.add_paragraph(text)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def docx_bomb(xml_mb: int, paragraph: str = "A" * 1000) -> bytes:
    """A small .docx whose word/document.xml inflates to about `xml_mb` MB of paragraphs."""
    import zipfile

    block = f"<w:p><w:r><w:t>{paragraph}</w:t></w:r></w:p>".encode() * 1000
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        with zf.open("word/document.xml", "w") as xml:
            xml.write(f'<?xml version="1.0"?><w:document xmlns:w="{_W}"><w:body>'.encode())
            for _ in range(max(1, xml_mb * 1024 * 1024 // len(block))):
                xml.write(block)
            xml.write(b"</w:body></w:document>")
    return buf.getvalue()


def understate_sizes(docx: bytes, size: int) -> bytes:
    """The zip with every entry's stated uncompressed size replaced by `size` (a lying bomb)."""
    data = bytearray(docx)
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        at = data.find(signature)
        while at != -1:
            data[at + offset : at + offset + 4] = size.to_bytes(4, "little")
            at = data.find(signature, at + 4)
    return bytes(data)


def long_pdf(pages: int, chars_per_page: int = 3000) -> bytes:
    """A PDF of `pages` pages, each holding about `chars_per_page` characters of text."""
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    line = "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod " * 2
    for page in range(pages):
        for i in range(chars_per_page // len(line) + 1):
            c.drawString(20, 800 - 12 * i, f"{page} {line}")
        c.showPage()
    c.save()
    return buf.getvalue()
