"""`GET /v1/models`: the configured models (and voices), in OpenAI's list shape."""

from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel

from rehearse.api.deps import OwnerDep, SettingsDep
from rehearse.api.errors import responses
from rehearse.api.openai.errors import OpenAIError
from rehearse.api.openai.model_catalog import ServedModel, find, served

router = APIRouter(prefix="/v1/models", tags=["openai"])


class ModelCard(BaseModel):
    """One model as OpenAI lists it; `capability` says which route takes it."""

    id: str
    object: Literal["model"] = "model"
    created: int = 0  # models are files on disk, not releases with a date
    owned_by: str = "rehearse"
    capability: str


class ModelList(BaseModel):
    object: Literal["list"] = "list"
    data: list[ModelCard]


def _card(model: ServedModel) -> ModelCard:
    return ModelCard(id=model.id, capability=model.capability)


@router.get("", response_model=ModelList, responses=responses(401))
def list_models(owner: OwnerDep, settings: SettingsDep) -> ModelList:
    """The STT, LLM, embedding and speech models configured, and the voices."""
    return ModelList(data=[_card(m) for m in served(settings)])


@router.get("/{model_id:path}", response_model=ModelCard, responses=responses(401, 404))
def read_model(model_id: str, owner: OwnerDep, settings: SettingsDep) -> ModelCard:
    """One configured model by its id."""
    model = find(settings, model_id)
    if model is None:
        raise OpenAIError(404, "model_not_found", f"no model {model_id!r}", "model")
    return _card(model)
