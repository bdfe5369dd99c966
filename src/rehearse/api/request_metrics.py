"""Time every request by its route template (never the raw path: ids would explode the series)."""

import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from rehearse.base.metrics import HTTP_SECONDS


class RequestMetrics:
    """Observe `rehearse_http_request_duration_seconds{route, method, status}`; outermost."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        status = "500"

        async def observed(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = str(message["status"])
            elif message["type"] == "websocket.accept":
                status = "101"
            elif message["type"] == "websocket.close" and status == "500":
                status = "403"  # closed before accepting: refused
            await send(message)

        started = time.perf_counter()
        try:
            await self.app(scope, receive, observed)
        finally:
            # The router records the matched route in the scope; unmatched paths share one label.
            route = getattr(scope.get("route"), "path", None) or "unmatched"
            method = scope.get("method", "WEBSOCKET")
            HTTP_SECONDS.labels(route, method, status).observe(time.perf_counter() - started)
