"""Extraction stops at its limits while it reads: bombs and huge documents end fast and small."""

import time

import pytest

from rehearse.base.errors import JobError
from rehearse.workers.cpu.docx_text import MAX_XML_BYTES
from rehearse.workers.cpu.extract import extract_text
from tests.workers.cpu import sample_files


def refused(data: bytes, name: str, max_chars: int) -> tuple[str, float]:
    """The error code extracting `data` ends with, and the seconds it took."""
    started = time.monotonic()
    with pytest.raises(JobError) as info:
        extract_text(data, name, None, max_chars)
    return info.value.code, time.monotonic() - started


def test_a_docx_inflating_past_the_byte_bound_is_refused_before_reading() -> None:
    bomb = sample_files.docx_bomb(150)
    assert len(bomb) < 1024 * 1024 < 150 * 1024 * 1024 > MAX_XML_BYTES
    code, seconds = refused(bomb, "resume.docx", 1_000_000)
    assert code == "document_too_large" and seconds < 1


def test_a_docx_lying_about_its_size_is_refused() -> None:
    # The zip states 4 KB; reading stops there and the checksum of the cut-off part fails.
    code, seconds = refused(
        sample_files.understate_sizes(sample_files.docx_bomb(150), 4096), "a", 10**6
    )
    assert code == "unreadable_document" and seconds < 1


def test_a_docx_stops_at_the_character_limit() -> None:
    # 20 MB of XML, under the byte bound: the reader stops after max_chars, not at the end.
    code, seconds = refused(sample_files.docx_bomb(20), "resume.docx", 50_000)
    assert code == "document_too_large" and seconds < 1


def test_a_pdf_stops_at_the_character_limit() -> None:
    code, _ = refused(sample_files.long_pdf(40), "resume.pdf", 20_000)
    assert code == "document_too_large"


def test_a_text_file_over_the_limit_is_too_large() -> None:
    assert refused(b"word " * 5000, "notes.txt", 10_000)[0] == "document_too_large"


def test_text_under_the_limits_is_extracted_whole() -> None:
    text = extract_text(sample_files.long_pdf(3), "a.pdf", None, 20_000)
    assert text.count("lorem") > 100 and text.startswith("0 lorem")
