"""The API reference at /docs (Swagger UI) and /redoc, from assets shipped in the package."""

from pathlib import Path

from fastapi import APIRouter, FastAPI, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from rehearse.api.openapi_contracts import publish_contracts

ASSETS_DIR = Path(__file__).resolve().parents[1] / "static" / "docs"
ASSETS_PATH = "/docs/assets"

router = APIRouter(include_in_schema=False)


def _page(request: Request) -> tuple[dict[str, str], str]:
    """The spec URL and title every page takes, and the URL prefix of the assets."""
    # Behind a proxy that strips a path prefix, URLs in the page must carry it again.
    prefix = request.scope.get("root_path", "").rstrip("/")
    common = {"openapi_url": prefix + request.app.openapi_url, "title": f"{request.app.title} API"}
    return common, prefix + ASSETS_PATH


@router.get("/docs")
def swagger_ui(request: Request) -> HTMLResponse:
    """Swagger UI: the reference, with requests tried from the browser."""
    common, assets = _page(request)
    return get_swagger_ui_html(
        **common,
        swagger_js_url=f"{assets}/swagger-ui-bundle.js",
        swagger_css_url=f"{assets}/swagger-ui.css",
        swagger_favicon_url=f"{assets}/favicon-32x32.png",
        # Swagger UI would otherwise send the spec to validator.swagger.io for a badge.
        swagger_ui_parameters={"validatorUrl": None},
    )


@router.get("/redoc")
def redoc(request: Request) -> HTMLResponse:
    """ReDoc: the reference as one readable page."""
    common, assets = _page(request)
    return get_redoc_html(
        **common,
        redoc_js_url=f"{assets}/redoc.standalone.js",
        redoc_favicon_url=f"{assets}/favicon-32x32.png",
        with_google_fonts=False,
    )


def install(app: FastAPI) -> None:
    """Add the two pages, their assets and the contract schemas (results, events) to the app."""
    app.include_router(router)
    app.mount(ASSETS_PATH, StaticFiles(directory=ASSETS_DIR), name="docs-assets")
    publish_contracts(app)
