"""OpenAI-compatible routes: thin adapters that run the same jobs as `/v1/jobs/...`.

Per capability (as vLLM's entrypoints/openai): `<capability>_protocol` holds the request and
response models, `<capability>_serving` the logic, `<capability>_router` the HTTP.
"""
