"""Text extraction: PDF (pypdf), DOCX (python-docx), TXT/MD encodings, and sniffing by magic."""

import io
import subprocess
import sys
import unicodedata
import zipfile
from pathlib import Path

import pytest

import rehearse
from rehearse.base.errors import JobError
from rehearse.workers.cpu import extract

LIMIT = 100_000


def extract_text(data: bytes, filename: str | None, content_type: str | None) -> str:
    return extract.extract_text(data, filename, content_type, LIMIT)


KO = "저는 백엔드 개발자입니다. 파이썬을 좋아합니다."
EN = "I built a Python API server for interviews."


def _pdf(lines: list[tuple[str, str]], **canvas_kwargs: object) -> bytes:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    # A built-in CID font with Hangul: reportlab ships its metrics, no font file needed.
    pdfmetrics.registerFont(UnicodeCIDFont("HYSMyeongJo-Medium"))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, **canvas_kwargs)
    y = 720
    for font, text in lines:
        c.setFont(font, 12)
        c.drawString(72, y, text)
        y -= 20
    c.showPage()
    c.save()
    return buf.getvalue()


def _docx() -> bytes:
    import docx

    d = docx.Document()
    d.add_paragraph(KO)
    d.add_paragraph(EN)
    table = d.add_table(rows=2, cols=3)
    for i, text in enumerate(["회사", "Role", "Years"]):
        table.cell(0, i).text = text
    table.cell(1, 0).merge(table.cell(1, 1)).text = "레허스 Rehearse"
    table.cell(1, 2).text = "3"
    d.add_paragraph("After the table.")
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def _code(data: bytes, filename: str | None, content_type: str | None = None) -> str:
    with pytest.raises(JobError) as info:
        extract_text(data, filename, content_type)
    return info.value.code


def test_pdf_korean_and_english() -> None:
    data = _pdf([("HYSMyeongJo-Medium", KO), ("Helvetica", EN)])
    text = extract_text(data, "resume.pdf", "application/pdf")
    assert KO in text
    assert EN in text


def test_docx_paragraphs_and_tables_in_order() -> None:
    text = extract_text(_docx(), "resume.docx", None)
    assert text.index(KO) < text.index(EN) < text.index("회사 | Role | Years")
    assert "레허스 Rehearse | 3" in text  # the merged cell appears once
    assert text.endswith("After the table.")


def test_magic_bytes_win_over_the_name() -> None:
    assert KO in extract_text(_pdf([("HYSMyeongJo-Medium", KO)]), "notes.txt", "text/plain")
    assert EN in extract_text(_docx(), None, None)


def test_exe_renamed_pdf_is_unsupported() -> None:
    exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 200 + b"This program cannot be run"
    assert _code(exe, "resume.pdf", "application/pdf") == "unsupported_document"


@pytest.mark.parametrize(
    ("data", "name", "ctype"),
    [
        (b"just some text", "resume.pdf", None),  # claims PDF, is not
        (b"just some text", None, "application/pdf"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 50, "photo.png", "image/png"),
        (b"plain words", "sheet.xlsx", None),
        (b"binary\x00\x01\x02\x00 stuff", "data.txt", None),
    ],
)
def test_unsupported(data: bytes, name: str | None, ctype: str | None) -> None:
    assert _code(data, name, ctype) == "unsupported_document"


def test_zip_without_word_document_is_unsupported() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("xl/workbook.xml", "<workbook/>")
    assert _code(buf.getvalue(), "resume.docx", None) == "unsupported_document"


def test_empty_pdf_is_unreadable() -> None:
    assert _code(_pdf([]), "blank.pdf", None) == "unreadable_document"


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"  \n\t ",
        b"%PDF-1.7\n garbage that is not a pdf",
    ],
)
def test_unreadable(data: bytes) -> None:
    assert _code(data, "x.pdf", None) == "unreadable_document"


def test_password_protected_pdf_is_unreadable() -> None:
    data = _pdf([("Helvetica", EN)], encrypt="secret")
    assert _code(data, "locked.pdf", None) == "unreadable_document"


@pytest.mark.parametrize("encoding", ["cp949", "euc-kr", "utf-8", "utf-8-sig", "utf-16"])
def test_text_encodings(encoding: str) -> None:
    data = f"{KO}\r\n{EN}\r\n".encode(encoding)
    assert extract_text(data, "notes.txt", "text/plain") == f"{KO}\n{EN}"


def test_markdown_and_nfd_hangul_are_normalized() -> None:
    data = unicodedata.normalize("NFD", f"# 이력서\n\n\n\n{KO}").encode()
    assert extract_text(data, "resume.md", None) == f"# 이력서\n\n{KO}"


def test_extraction_does_not_load_torch(tmp_path: Path) -> None:
    (tmp_path / "a.pdf").write_bytes(_pdf([("Helvetica", EN)]))
    (tmp_path / "a.docx").write_bytes(_docx())
    root = Path(rehearse.__file__).resolve().parents[1]
    code = (
        "import sys, pathlib; sys.path.insert(0, sys.argv[1]);"
        "from rehearse.workers.cpu.extract import extract_text;"
        "paths = pathlib.Path(sys.argv[2]).iterdir();"
        "[extract_text(p.read_bytes(), p.name, None, 10**5) for p in paths];"
        "assert 'torch' not in sys.modules, 'torch imported'"
    )
    subprocess.run([sys.executable, "-c", code, str(root), str(tmp_path)], check=True, timeout=120)
