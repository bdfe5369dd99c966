"""The API reference works offline: /docs and /redoc load only what the api itself serves."""

import re
from urllib.parse import urljoin, urlparse

import httpx
import pytest

# src/href attributes, and the spec URL the page script fetches.
REFERENCES = re.compile(r"""(?:src|href)="([^"]+)"|spec-url="([^"]+)"|url: '([^']+)'""")
EXPECTED_TYPES = {".js": "javascript", ".css": "text/css", ".png": "image/png", ".json": "json"}


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_reference_pages_load_every_asset_from_the_api(api_base, page):
    response = httpx.get(api_base + page, timeout=10)
    assert response.status_code == 200
    html = response.text
    assert not re.search(r"https?://|//[\w.-]+\.\w+/", html), "an external URL in the page"

    references = [next(g for g in m.groups() if g) for m in REFERENCES.finditer(html)]
    assert len(references) >= 3, references  # script, favicon, spec (and Swagger's css)
    for reference in references:
        url = urljoin(api_base + page, reference)
        assert urlparse(url).netloc == urlparse(api_base).netloc, reference
        asset = httpx.get(url, timeout=10)
        assert asset.status_code == 200, reference
        suffix = "." + reference.rsplit(".", 1)[-1]
        assert EXPECTED_TYPES[suffix] in asset.headers["content-type"], reference
        assert len(asset.content) > 100, reference


def test_the_swagger_page_styles_itself_from_the_api(api_base):
    html = httpx.get(api_base + "/docs", timeout=10).text
    assert re.search(r'<link[^>]+stylesheet[^>]+href="/docs/assets/swagger-ui\.css"', html)
    assert '"validatorUrl": null' in html  # no spec sent to validator.swagger.io
