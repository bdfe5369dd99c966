"""`POST /v1/chat/completions` (HTTP only: the logic is in chat_serving)."""

from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse

from rehearse.api.deps import OwnerDep, SettingsDep
from rehearse.api.errors import responses
from rehearse.api.openai import chat_serving, job_wait
from rehearse.api.openai.chat_protocol import ChatCompletion, ChatCompletionRequest
from rehearse.api.openai.model_catalog import resolve
from rehearse.api.openai.sse import stream_job
from rehearse.contracts.job_kinds import JobKind

router = APIRouter(prefix="/v1/chat", tags=["openai"])


@router.post(
    "/completions",
    response_model=ChatCompletion,
    responses={
        # With `stream`: each SSE `data:` is a ChatCompletionChunk, then `data: [DONE]`.
        200: {"content": {"text/event-stream": {}}},
        **responses(400, 401, 404, 429, 500, 503),
    },
)
async def create_chat_completion(
    body: ChatCompletionRequest, request: Request, owner: OwnerDep, settings: SettingsDep
) -> ChatCompletion | StreamingResponse:
    """A chat completion run as a `chat` job; `stream` sends `chat.completion.chunk` SSE."""
    model = resolve(settings, "chat", body.model)
    params = chat_serving.chat_params(body)
    job_id = await job_wait.start(request, JobKind.chat, owner, params)
    if body.stream:
        lines = chat_serving.chunks(request, job_id, owner, model, body)
        return stream_job(request, settings, job_id, owner, lines)
    result = await job_wait.run_to_end(request, settings, job_id, owner)
    return chat_serving.completion(job_id, model, result)
