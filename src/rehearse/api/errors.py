"""Every api error answers `{"error": {"code", "message"}}`."""

import logging
from typing import Any

import psycopg
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from rehearse.contracts.jobs import ErrorBody
from rehearse.storage.admission import QueueFull

log = logging.getLogger(__name__)

DATABASE_RETRY_AFTER_S = 2


class ErrorResponse(BaseModel):
    error: ErrorBody


class ApiError(Exception):
    """Raise to answer `status` with a stable error code."""

    def __init__(self, status: int, code: str, message: str, headers: dict | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.headers = status, code, message, headers


def error_json(status: int, code: str, message: str, headers: dict | None = None) -> JSONResponse:
    body = {"error": {"code": code, "message": message}}
    return JSONResponse(body, status_code=status, headers=headers)


_CODES = {
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    429: "queue_full",
    500: "internal_error",
    503: "unavailable",
}


def install(app: FastAPI) -> None:
    """Register handlers so no error leaves the api in another shape."""

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError) -> JSONResponse:
        return error_json(exc.status, exc.code, exc.message, exc.headers)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = _CODES.get(exc.status_code, "http_error")
        return error_json(exc.status_code, code, str(exc.detail), getattr(exc, "headers", None))

    @app.exception_handler(QueueFull)
    async def _queue_full(request: Request, exc: QueueFull) -> JSONResponse:
        headers = {"Retry-After": str(exc.retry_after_s)}
        return error_json(429, exc.code, exc.message, headers)

    @app.exception_handler(psycopg.OperationalError)
    async def _database_down(request: Request, exc: psycopg.OperationalError) -> JSONResponse:
        log.warning("database unavailable: %s", type(exc).__name__)
        message = "the database is unreachable; try again shortly"
        headers = {"Retry-After": str(DATABASE_RETRY_AFTER_S)}
        return error_json(503, "database_unavailable", message, headers)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        # Starlette logs the traceback itself; the client gets the error shape, never text.
        return error_json(500, "internal_error", "an unexpected error occurred")

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        details = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()
        )
        return error_json(422, "invalid_request", details or "invalid request")


def responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries documenting the error shape for these statuses."""
    return {s: {"model": ErrorResponse, "description": _CODES.get(s, "error")} for s in statuses}
