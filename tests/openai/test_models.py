"""`models.list()` and `models.retrieve()` name what the stack is configured with."""

import openai
import pytest

from rehearse.base.settings import get_settings
from rehearse.contracts.languages import DEFAULT_VOICES


def test_models_list_names_every_configured_model(oai, stack_env):
    settings = get_settings()
    ids = {m.id for m in oai.models.list()}
    expected = {settings.whisper_model, settings.llm_model, settings.embed_model}
    assert expected <= ids
    assert {"edge-tts", "espeak-ng"} & ids
    assert set(DEFAULT_VOICES.values()) <= ids


def test_models_retrieve_one_and_unknown_is_not_found(oai, stack_env):
    settings = get_settings()
    assert oai.models.retrieve(settings.llm_model).id == settings.llm_model
    with pytest.raises(openai.NotFoundError) as caught:
        oai.models.retrieve("no-such-model")
    assert caught.value.code == "model_not_found"


def test_a_wrong_key_is_an_authentication_error(api_base, stack_env):
    client = openai.OpenAI(base_url=f"{api_base}/v1", api_key="wrong", max_retries=0)
    with pytest.raises(openai.AuthenticationError) as caught:
        client.models.list()
    assert caught.value.code == "unauthorized"
