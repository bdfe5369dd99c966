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
