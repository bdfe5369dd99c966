"""The contracts clients type against, added to the OpenAPI schema beside the routes' own.

A job's `result` is stored JSON whose shape depends on its kind, and events arrive over SSE or a
WebSocket: neither is a route's response model, so FastAPI would not publish them. Here every
kind's result model (contracts.job_results) and every event model (contracts.event_contract) join
`components.schemas`, and `x-job-results` maps each kind to its result's schema.
"""

from typing import Any, get_args

from fastapi import FastAPI
from pydantic.json_schema import models_json_schema

from rehearse.contracts.event_contract import JobEvent
from rehearse.contracts.job_kinds import TABLE

REF = "#/components/schemas/{model}"


def contract_schemas() -> dict[str, Any]:
    """JSON schemas of every result and event model, keyed by model name."""
    events = get_args(get_args(JobEvent)[0])  # Annotated[A | B | ..., Field] -> (A, B, ...)
    models = {spec.result for spec in TABLE.values()} | set(events)
    _, defs = models_json_schema(
        [(model, "serialization") for model in sorted(models, key=lambda m: m.__name__)],
        ref_template=REF,
    )
    return defs.get("$defs", {})


def publish_contracts(app: FastAPI) -> None:
    """Make `app.openapi()` include the contract schemas (computed once, like FastAPI's own)."""
    routes_only = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = routes_only()
            known = schema.setdefault("components", {}).setdefault("schemas", {})
            for name, body in contract_schemas().items():
                known.setdefault(name, body)
            schema["x-job-results"] = {
                kind: {"$ref": REF.format(model=spec.result.__name__)}
                for kind, spec in TABLE.items()
            }
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
