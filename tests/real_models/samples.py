"""The English sample documents real-model interviews start from (the demo's assets)."""

from tests.interviews.conftest import ASSETS

RESUME = (ASSETS / "sample_resume_en.txt").read_text(encoding="utf-8").strip()
POSTING = (ASSETS / "sample_posting_en.txt").read_text(encoding="utf-8").strip()
