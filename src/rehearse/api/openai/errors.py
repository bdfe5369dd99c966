"""OpenAI's error shape, `{"error": {"message", "type", "param", "code"}}`, on its paths only.

The api's own handlers (rehearse.api.errors) build every error; on an OpenAI path their answer is
reshaped so the `openai` SDK raises the class matching the status. Every other route keeps
`{"error": {"code", "message"}}`.
"""

import json
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from rehearse.api.job_watch import ClientGone

PATHS = ("/v1/models", "/v1/chat/", "/v1/embeddings", "/v1/audio/")
CLIENT_CLOSED = 499  # nginx's status for a request whose client left; nobody reads it

_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    404: "invalid_request_error",
    413: "invalid_request_error",
    415: "invalid_request_error",
    429: "rate_limit_error",
}


class OpenAIError(Exception):
    """An error naming the request parameter at fault (`param`), as OpenAI's do."""

    def __init__(self, status: int, code: str, message: str, param: str | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.param = status, code, message, param


def is_openai_path(path: str) -> bool:
    return path == "/v1/embeddings" or path.startswith(PATHS)


def body(status: int, code: str, message: str, param: str | None = None) -> dict[str, Any]:
    kind = _TYPES.get(status, "server_error" if status >= 500 else "invalid_request_error")
    return {"error": {"message": message, "type": kind, "param": param, "code": code}}


def openai_json(status: int, code: str, message: str, param: str | None = None) -> JSONResponse:
    return JSONResponse(body(status, code, message, param), status_code=status)


def _reshape(response: Response, param: str | None = None) -> Response:
    """The api's `{"error": {"code", "message"}}` answer in OpenAI's shape (422 becomes 400)."""
    error = json.loads(bytes(response.body))["error"]
    status = 400 if response.status_code == 422 else response.status_code
    reshaped = openai_json(status, error["code"], error["message"], param)
    for name, value in response.headers.items():  # Retry-After, Allow, WWW-Authenticate...
        if name.lower() not in ("content-length", "content-type"):
            reshaped.headers[name] = value
    return reshaped


def _param(exc: Exception) -> str | None:
    """The first invalid field of a validation error, dotted, without `body`/`query`."""
    if not isinstance(exc, RequestValidationError) or not exc.errors():
        return None
    loc = [str(p) for p in exc.errors()[0]["loc"][1:]]
    return ".".join(loc) or None


def install(app: FastAPI) -> None:
    """Wrap the app's error handlers (api.errors first) to reshape on OpenAI paths."""
    for exc_type, default in list(app.exception_handlers.items()):

        async def handler(request: Request, exc: Exception, default=default) -> Response:
            response = await default(request, exc)
            if not is_openai_path(request.url.path):
                return response
            return _reshape(response, _param(exc))

        app.add_exception_handler(exc_type, handler)

    @app.exception_handler(OpenAIError)
    async def _openai_error(request: Request, exc: OpenAIError) -> JSONResponse:
        return openai_json(exc.status, exc.code, exc.message, exc.param)

    @app.exception_handler(ClientGone)
    async def _client_gone(request: Request, exc: ClientGone) -> Response:
        return Response(status_code=CLIENT_CLOSED)
