"""The web client at `/`: static files shipped in the package, no CDN, no build step."""

from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

CLIENT_DIR = Path(__file__).resolve().parents[1] / "static" / "client"
ASSETS_PATH = "/client"

router = APIRouter(include_in_schema=False)

# The page talks to this api only; media and connections to other hosts are refused.
_POLICY = (
    "default-src 'self'; media-src 'self' blob:; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)


@router.get("/")
def index() -> FileResponse:
    """The mock-interview client."""
    return FileResponse(
        CLIENT_DIR / "index.html",
        headers={
            "Cache-Control": "no-cache",
            "Content-Security-Policy": _POLICY,
            "Referrer-Policy": "no-referrer",
        },
    )


@router.get("/favicon.ico")
def favicon() -> FileResponse:
    """The page's icon, for browsers that ask at the root whatever the page names."""
    return FileResponse(
        CLIENT_DIR / "favicon.svg",
        media_type="image/svg+xml",
        headers={"Cache-Control": "public, max-age=86400"},
    )


def install(app: FastAPI) -> None:
    """Serve the page at `/` and its modules and styles under /client."""
    app.include_router(router)
    app.mount(ASSETS_PATH, StaticFiles(directory=CLIENT_DIR), name="client-assets")
