"""Request models: strict construction, exact wire bodies, and the spec README's calls."""

from __future__ import annotations

import base64
import importlib
import inspect
import json
import pkgutil
import random
import struct
from pathlib import Path
from typing import Any, Dict, List, Type

import pytest
from pydantic import BaseModel, ValidationError

from meshapi import InvalidRequestError
from meshapi import _types as t
from meshapi._types import (
    BatchRequestItem,
    BulkEmbedRequest,
    ChatCompletionParams,
    ChatMessage,
    CompareParams,
    CreateBatchParams,
    CreateTemplateParams,
    EmbeddingsParams,
    ImageGenerationParams,
    InitUploadRequest,
    ResponsesParams,
    SearchRequest,
    Tool,
    ToolFunction,
    UpdateTemplateParams,
    UploadFileParams,
)
from meshapi._types._base import _RequestPart

FIXTURES = Path(__file__).parent / "fixtures"


def module_models() -> List[Type[BaseModel]]:
    """Every model defined in the ``meshapi._types`` package (one module per endpoint)."""
    found: List[Type[BaseModel]] = []
    for info in pkgutil.iter_modules(t.__path__):
        module = importlib.import_module(f"{t.__name__}.{info.name}")
        found.extend(
            obj
            for _, obj in inspect.getmembers(module, inspect.isclass)
            if issubclass(obj, BaseModel) and obj.__module__ == module.__name__
        )
    return found


# ---------------------------------------------------------------------------------------------
# The spec README: every constructor call there must validate as written.
# ---------------------------------------------------------------------------------------------


def test_readme_constructor_calls_validate() -> None:
    pdf_bytes = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"
    upload_file_id = "file_01JDXC"
    calls: List[t.RequestModel] = [
        ChatCompletionParams(
            model="anthropic/claude-sonnet-4.5",
            messages=[ChatMessage(role="user", content="Write a haiku about Python.")],
        ),
        ChatCompletionParams(
            model="openai/gpt-4o-mini",
            messages=[
                ChatMessage(role="system", content="You are a concise assistant."),
                ChatMessage(role="user", content="What is the capital of France?"),
            ],
            temperature=0.7,
            max_tokens=256,
        ),
        ChatCompletionParams(
            model="openai/gpt-4o-mini",
            messages=[ChatMessage(role="user", content="Hello!")],
        ),
        ChatCompletionParams(
            model="openai/gpt-4o",
            messages=[ChatMessage(role="user", content="What is the weather in Paris?")],
            tools=[
                Tool(
                    type="function",
                    function=ToolFunction(
                        name="get_weather",
                        description="Get current weather for a city",
                        parameters={
                            "type": "object",
                            "properties": {"city": {"type": "string"}},
                            "required": ["city"],
                        },
                    ),
                )
            ],
            tool_choice="auto",
        ),
        ResponsesParams(
            model="openai/o4-mini",
            input="Explain the halting problem in two sentences.",
            reasoning={"effort": "medium"},
            max_output_tokens=512,
        ),
        EmbeddingsParams(
            model="openai/text-embedding-3-small",
            input=["hello world", "goodbye world"],
        ),
        ImageGenerationParams(
            model="openai/gpt-image-1",
            prompt="A watercolor of a fox in a snowy forest",
            n=1,
            size="1024x1024",
            quality="high",
            output_format="webp",
        ),
        CompareParams(
            models=["openai/gpt-4o-mini", "anthropic/claude-sonnet-4.5"],
            messages=[ChatMessage(role="user", content="Summarise this in one sentence: ...")],
        ),
        CreateBatchParams(
            requests=[
                BatchRequestItem(
                    custom_id="req-1",
                    body={
                        "model": "openai/gpt-5-nano",
                        "messages": [{"role": "user", "content": "Say hi."}],
                    },
                ),
                BatchRequestItem(
                    custom_id="req-2",
                    body={
                        "model": "openai/gpt-5-nano",
                        "messages": [{"role": "user", "content": "Say bye."}],
                    },
                ),
            ],
            metadata={"job": "my-batch"},
        ),
        InitUploadRequest(file_name="handbook.pdf", mime_type="application/pdf"),
        UploadFileParams(
            file_name="handbook.pdf",
            mime_type="application/pdf",
            content=pdf_bytes,
        ),
        BulkEmbedRequest(file_ids=[upload_file_id]),
        SearchRequest(query="onboarding process", top_k=5),
        CreateTemplateParams(
            name="support-agent",
            system="You are a support agent for {{company}}. Be concise and friendly.",
            model="openai/gpt-4o-mini",
            variables=["company"],
        ),
        ChatCompletionParams(
            messages=[ChatMessage(role="user", content="How do I reset my password?")],
            template="support-agent",
            variables={"company": "Acme Corp"},
        ),
        UpdateTemplateParams(model="openai/gpt-4o"),
    ]
    bodies = [json.loads(json.dumps(call.to_wire())) for call in calls]
    assert bodies[1] == {
        "model": "openai/gpt-4o-mini",
        "messages": [
            {"role": "system", "content": "You are a concise assistant."},
            {"role": "user", "content": "What is the capital of France?"},
        ],
        "temperature": 0.7,
        "max_tokens": 256,
    }
    assert bodies[8]["requests"][0] == {
        "custom_id": "req-1",
        "method": "POST",
        "url": "/v1/chat/completions",
        "body": {
            "model": "openai/gpt-5-nano",
            "messages": [{"role": "user", "content": "Say hi."}],
        },
    }
    assert bodies[10] == {"file_name": "handbook.pdf", "mime_type": "application/pdf"}
    assert bodies[14] == {
        "messages": [{"role": "user", "content": "How do I reset my password?"}],
        "template": "support-agent",
        "variables": {"company": "Acme Corp"},
    }
    assert bodies[15] == {"model": "openai/gpt-4o"}


# The type-hint import list of the spec README (0.1.4), minus the client and error classes.
SPEC_TYPE_NAMES = [
    "ChatCompletionParams",
    "ChatCompletionResponse",
    "ChatCompletionChunk",
    "ChatMessage",
    "Tool",
    "ToolFunction",
    "ToolCall",
    "ResponsesParams",
    "ResponsesResponse",
    "EmbeddingsParams",
    "EmbeddingsResponse",
    "CompareParams",
    "CompareStreamEvent",
    "BatchRequestItem",
    "CreateBatchParams",
    "BatchObject",
    "InitUploadRequest",
    "InitUploadResponse",
    "UploadFileParams",
    "RagFileStatus",
    "RagFileListResponse",
    "BulkEmbedRequest",
    "BulkEmbedResponse",
    "SearchRequest",
    "SearchResponse",
    "SearchResult",
    "ModelInfo",
    "ModelPricing",
    "CreateTemplateParams",
    "UpdateTemplateParams",
    "TemplateSummary",
]


def test_every_type_in_the_spec_import_list_is_exported() -> None:
    assert sorted(set(SPEC_TYPE_NAMES) - set(t.__all__)) == []


def test_all_is_sorted_and_lists_every_public_model() -> None:
    assert t.__all__ == sorted(t.__all__)
    public = {cls.__name__ for cls in module_models() if not cls.__name__.startswith("_")}
    assert sorted(public - set(t.__all__)) == []
    assert all(hasattr(t, name) for name in t.__all__)


# ---------------------------------------------------------------------------------------------
# Strictness: a typo is an error that names the field.
# ---------------------------------------------------------------------------------------------

TYPOS = [
    (ChatCompletionParams, {"model": "m", "messages": [], "max_token": 5}, "max_token"),
    (ChatMessage, {"role": "user", "contnet": "hi"}, "contnet"),
    (ToolFunction, {"name": "f", "parameter": {}}, "parameter"),
    (ResponsesParams, {"input": "x", "max_tokens": 5}, "max_tokens"),
    (EmbeddingsParams, {"model": "m", "input": "x", "encoding": "float"}, "encoding"),
    (CompareParams, {"models": ["a"], "messages": [], "model": "a"}, "model"),
    (BatchRequestItem, {"custom_id": "1", "body": {}, "bodyy": {}}, "bodyy"),
    (SearchRequest, {"query": "q", "topk": 3}, "topk"),
    (CreateTemplateParams, {"name": "n", "vars": ["x"]}, "vars"),
    (ImageGenerationParams, {"prompt": "p", "sizes": "1x1"}, "sizes"),
    (InitUploadRequest, {"file_name": "a", "mime_type": "b", "filename": "a"}, "filename"),
]


@pytest.mark.parametrize(("model", "fields", "typo"), TYPOS, ids=[m.__name__ for m, _, _ in TYPOS])
def test_typoed_field_raises_validation_error_naming_it(
    model: Type[BaseModel], fields: Dict[str, Any], typo: str
) -> None:
    with pytest.raises(InvalidRequestError) as info:
        model(**fields)
    errors = info.value.details or []
    assert [(e["loc"], e["type"]) for e in errors] == [((typo,), "extra_forbidden")]
    assert typo in str(info.value)


def test_typo_inside_a_nested_message_is_reported_with_its_path() -> None:
    with pytest.raises(ValidationError) as info:
        ChatCompletionParams(
            model="m",
            messages=[ChatMessage.model_validate({"role": "user", "content": "hi", "nmae": "x"})],
        )
    assert info.value.errors()[0]["loc"] == ("nmae",)


def test_every_request_model_forbids_extras_and_params_have_extra_body() -> None:
    request_models = [
        cls
        for cls in module_models()
        if issubclass(cls, (t.RequestModel, _RequestPart))
        and cls not in (t.RequestModel, _RequestPart)
    ]
    assert len(request_models) >= 20
    for cls in request_models:
        # The one exception: a built-in tool's options are its own extra fields (as in 0.1.4).
        expected = "allow" if cls is t.BuiltinTool else "forbid"
        assert cls.model_config.get("extra") == expected, cls.__name__
        if issubclass(cls, t.RequestModel):
            assert "extra_body" in cls.model_fields, cls.__name__
        else:
            assert "extra_body" not in cls.model_fields, cls.__name__


def test_every_response_model_keeps_extras() -> None:
    response_models = [cls for cls in module_models() if issubclass(cls, t.ResponseModel)]
    assert len(response_models) >= 35
    assert all(cls.model_config.get("extra") == "allow" for cls in response_models)


@pytest.mark.parametrize(
    ("model", "fields", "field"),
    [
        (ChatMessage, {"role": "robot", "content": "x"}, "role"),
        (
            EmbeddingsParams,
            {"model": "m", "input": "x", "encoding_format": "hex"},
            "encoding_format",
        ),
        (ImageGenerationParams, {"prompt": "p", "response_format": "png"}, "response_format"),
        (ImageGenerationParams, {"prompt": "p", "output_format": "gif"}, "output_format"),
        (BatchRequestItem, {"custom_id": "1", "body": {}, "method": "GET"}, "method"),
    ],
    ids=["role", "encoding_format", "response_format", "output_format", "batch-method"],
)
def test_closed_enums_reject_unknown_values(
    model: Type[BaseModel], fields: Dict[str, Any], field: str
) -> None:
    with pytest.raises(InvalidRequestError) as info:
        model(**fields)
    assert (info.value.details or [])[0]["loc"] == (field,)


@pytest.mark.parametrize("count", [0, 11])
def test_compare_rejects_model_counts_outside_1_to_10(count: int) -> None:
    with pytest.raises(InvalidRequestError) as info:
        CompareParams(models=[f"p/m{i}" for i in range(count)], messages=[])
    assert (info.value.details or [])[0]["loc"] == ("models",)


@pytest.mark.parametrize("count", [1, 10])
def test_compare_accepts_model_counts_at_the_limits(count: int) -> None:
    params = CompareParams(models=[f"p/m{i}" for i in range(count)], messages=[])
    assert len(params.to_wire()["models"]) == count


@pytest.mark.parametrize("count", [0, 101])
def test_bulk_embed_rejects_file_counts_outside_1_to_100(count: int) -> None:
    with pytest.raises(InvalidRequestError) as info:
        BulkEmbedRequest(file_ids=[f"file_{i}" for i in range(count)])
    assert (info.value.details or [])[0]["loc"] == ("file_ids",)


def test_batch_needs_at_least_one_request() -> None:
    with pytest.raises(InvalidRequestError) as info:
        CreateBatchParams(requests=[])
    assert (info.value.details or [])[0]["loc"] == ("requests",)


# ---------------------------------------------------------------------------------------------
# to_wire: the exact JSON body.
# ---------------------------------------------------------------------------------------------


def test_to_wire_drops_none_and_serialises_nested_models() -> None:
    params = ChatCompletionParams(
        model="openai/gpt-4o",
        messages=[
            ChatMessage(
                role="user",
                content=[
                    t.ContentPartText(text="What is in this image and clip?"),
                    t.ContentPartImage(image_url=t.ImageURL(url="https://x.test/a.png")),
                    t.ContentPartInputAudio(
                        input_audio=t.InputAudio(data="UklGRg==", format="wav")
                    ),
                ],
            )
        ],
        tools=[Tool(function=ToolFunction(name="f", parameters={"type": "object"}))],
        stop=["\n\n"],
        temperature=None,
    )
    assert params.to_wire() == {
        "model": "openai/gpt-4o",
        "messages": [
            {
                "role": "user",
                "content": [
                    {"type": "text", "text": "What is in this image and clip?"},
                    {"type": "image_url", "image_url": {"url": "https://x.test/a.png"}},
                    {"type": "input_audio", "input_audio": {"data": "UklGRg==", "format": "wav"}},
                ],
            }
        ],
        "tools": [
            {"type": "function", "function": {"name": "f", "parameters": {"type": "object"}}}
        ],
        "stop": ["\n\n"],
    }


def test_dicts_are_checked_as_strictly_as_models_and_keep_free_form_values() -> None:
    # A dict given where a message, part or tool goes is validated by its model (file parts and
    # cache_control are modelled); free-form values inside (a JSON schema's "default": null)
    # survive as given.
    message = {"role": "user", "content": [{"type": "file", "file": {"file_id": "f1"}}]}
    tool = {
        "type": "function",
        "function": {"name": "f", "parameters": {"properties": {"a": {"default": None}}}},
        "cache_control": {"type": "ephemeral"},
    }
    params = ChatCompletionParams(
        model="m", messages=[message], tools=[tool], response_format={"type": "json_object"}
    )
    wire = params.to_wire()
    assert wire["messages"] == [message]
    assert wire["tools"] == [tool]
    assert wire["response_format"] == {"type": "json_object"}


@pytest.mark.parametrize(
    ("messages", "where"),
    [
        ([{"role": "user", "contnet": "hi"}], "messages.0.contnet"),
        (
            [{"role": "user", "content": [{"type": "text", "txt": "hi"}]}],
            "messages.0.content.0.txt",
        ),
        (
            [{"role": "user", "content": [{"type": "image_url", "image_url": {"ur": "x"}}]}],
            "messages.0.content.0.image_url.ur",
        ),
    ],
    ids=["message", "text-part", "image-url"],
)
def test_a_typo_in_a_nested_dict_is_an_error_naming_its_path(
    messages: List[Dict[str, Any]], where: str
) -> None:
    with pytest.raises(InvalidRequestError) as info:
        ChatCompletionParams(model="m", messages=messages)  # type: ignore[arg-type]
    assert f"{where}: unknown field" in str(info.value)
    # Each problem once: the branches of a union are not each reported.
    assert str(info.value).count("unknown field") == 1


def test_a_typo_in_a_nested_tool_dict_is_an_error() -> None:
    with pytest.raises(InvalidRequestError, match=r"tools\.0\.function\.descripton"):
        ChatCompletionParams(
            model="m",
            messages=[],
            tools=[{"function": {"name": "f", "descripton": "x"}}],  # type: ignore[typeddict-unknown-key]
        )


def test_a_reply_is_accepted_back_as_a_message() -> None:
    reply = t.ChatCompletionMessage.model_validate(
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {"id": "c1", "type": "function", "function": {"name": "f", "arguments": "{}"}}
            ],
        }
    )
    params = ChatCompletionParams(model="m", messages=[reply])
    assert params.to_wire()["messages"] == [
        {
            "role": "assistant",
            "tool_calls": [
                {"id": "c1", "type": "function", "function": {"name": "f", "arguments": "{}"}}
            ],
        }
    ]


def test_to_wire_merges_extra_body_last_and_it_wins() -> None:
    params = ChatCompletionParams(
        model="a",
        messages=[{"role": "user", "content": "hi"}],
        temperature=0.5,
        extra_body={"model": "b", "top_k": 40, "temperature": None},
    )
    wire = params.to_wire()
    assert wire == {
        "model": "b",
        "messages": [{"role": "user", "content": "hi"}],
        "temperature": None,
        "top_k": 40,
    }
    assert "extra_body" not in wire


def test_to_wire_returns_a_fresh_dict_each_time() -> None:
    params = EmbeddingsParams(model="m", input="x", extra_body={"k": 1})
    first = params.to_wire()
    first["input"] = "changed"
    first["k"] = 2
    assert params.to_wire() == {"model": "m", "input": "x", "k": 1}
    assert params.extra_body == {"k": 1}


def test_update_template_sends_only_given_fields_and_nulls_through_extra_body() -> None:
    assert UpdateTemplateParams().to_wire() == {}
    clear = UpdateTemplateParams(system="New {{x}}", extra_body={"description": None})
    assert clear.to_wire() == {"system": "New {{x}}", "description": None}


@pytest.mark.parametrize(
    "value",
    ["one text", ["a", "b"], [101, 102, 103], [[1, 2], [3]]],
    ids=["string", "strings", "tokens", "token-lists"],
)
def test_embeddings_input_shapes_are_sent_unchanged(value: Any) -> None:
    wire = EmbeddingsParams(model="m", input=value, encoding_format="base64").to_wire()
    assert wire == {"model": "m", "input": value, "encoding_format": "base64"}


def test_responses_input_accepts_items_and_messages() -> None:
    params = ResponsesParams(
        model="openai/o4-mini",
        input=[
            ChatMessage(role="developer", content="Be brief."),
            {"type": "function_call_output", "call_id": "call_9", "output": "42"},
        ],
        tools=[{"type": "web_search"}, {"type": "function", "name": "f", "parameters": {}}],
    )
    assert params.to_wire()["input"] == [
        {"role": "developer", "content": "Be brief."},
        {"type": "function_call_output", "call_id": "call_9", "output": "42"},
    ]


def test_compare_overrides_accept_models_and_dicts() -> None:
    params = CompareParams(
        models=["a/x", "b/y"],
        messages=[ChatMessage(role="user", content="hi")],
        model_overrides=[
            t.CompareModelOverride(model="a/x", temperature=0.1),
            {"model": "b/y", "reasoning": {"effort": "low"}},
        ],
        skip_comparison=True,
    )
    assert params.to_wire()["model_overrides"] == [
        {"model": "a/x", "temperature": 0.1},
        {"model": "b/y", "reasoning": {"effort": "low"}},
    ]


def test_upload_file_params_keep_content_out_of_the_body_and_the_repr() -> None:
    params = UploadFileParams(
        file_name="a.pdf",
        mime_type="application/pdf",
        content=b"secret-looking-bytes" * 100,
        embed=True,
        metadata={"team": "hr"},
    )
    assert params.to_wire() == {
        "file_name": "a.pdf",
        "mime_type": "application/pdf",
        "embed": True,
        "metadata": {"team": "hr"},
    }
    assert "secret-looking-bytes" not in repr(params)
    init = params.to_init_request()
    assert isinstance(init, InitUploadRequest)
    assert init.to_wire() == params.to_wire()


# ---------------------------------------------------------------------------------------------
# Round trips
# ---------------------------------------------------------------------------------------------


def tool_call_reply() -> t.ChatCompletionResponse:
    return t.ChatCompletionResponse.model_validate_json(
        (FIXTURES / "chat_completion_tool_calls.json").read_bytes()
    )


def test_to_param_round_trips_an_assistant_tool_call() -> None:
    reply = tool_call_reply()
    assistant = reply.choices[0].message.to_param()
    assert isinstance(assistant, ChatMessage)
    params = ChatCompletionParams(
        model="openai/gpt-4o",
        messages=[
            ChatMessage(role="user", content="What is the weather in Paris?"),
            assistant,
            ChatMessage(role="tool", tool_call_id="call_abc123", content='{"temp_c": 11}'),
        ],
    )
    messages = params.to_wire()["messages"]
    assert messages[1] == {
        "role": "assistant",
        "tool_calls": [
            {
                "id": "call_abc123",
                "type": "function",
                "function": {"name": "get_weather", "arguments": '{"city": "Paris"}'},
                # A provider field on the call travels back, as the provider requires.
                "extra_content": {"google": {"thought_signature": "c2lnbmF0dXJl"}},
            }
        ],
    }
    assert messages[2] == {
        "role": "tool",
        "content": '{"temp_c": 11}',
        "tool_call_id": "call_abc123",
    }


def test_reply_message_can_go_into_messages_directly() -> None:
    reply_message = tool_call_reply().choices[0].message
    direct = ChatCompletionParams(model="m", messages=[reply_message])
    via_param = ChatCompletionParams(model="m", messages=[reply_message.to_param()])
    assert isinstance(direct.messages[0], ChatMessage)
    assert direct.to_wire() == via_param.to_wire()


def test_to_param_references_audio_by_id_and_keeps_refusal() -> None:
    message = t.ChatCompletionMessage.model_validate(
        {
            "role": "assistant",
            "content": None,
            "refusal": "I can't help with that.",
            "audio": {
                "id": "audio_1",
                "data": "UklGRg==" * 50,
                "transcript": "hi",
                "expires_at": 9,
            },
            "reasoning": "thinking...",
        }
    )
    assert message.to_param().model_dump(exclude_none=True) == {
        "role": "assistant",
        "refusal": "I can't help with that.",
        "audio": {"id": "audio_1"},
    }


def test_assistant_message_with_tool_calls_and_no_content_validates() -> None:
    message = ChatMessage(
        role="assistant",
        content=None,
        tool_calls=[
            t.ToolCall(id="c1", function=t.ToolCallFunction(name="f", arguments="{}")),
            {"id": "c2", "type": "function", "function": {"name": "g", "arguments": "{}"}},
        ],
    )
    assert message.model_dump(mode="json", exclude_none=True)["tool_calls"] == [
        {"id": "c1", "type": "function", "function": {"name": "f", "arguments": "{}"}},
        {"id": "c2", "type": "function", "function": {"name": "g", "arguments": "{}"}},
    ]


# ---------------------------------------------------------------------------------------------
# Base64 embeddings
# ---------------------------------------------------------------------------------------------


def test_base64_embedding_round_trips_float32_values() -> None:
    rng = random.Random(7)
    # Values squeezed through float32 first, so the round trip is exact.
    values = list(
        struct.unpack("<64f", struct.pack("<64f", *(rng.uniform(-1, 1) for _ in range(64))))
    )
    encoded = base64.b64encode(struct.pack("<64f", *values)).decode()
    data = t.EmbeddingsData(object="embedding", index=0, embedding=encoded)
    assert data.vector() == values


def test_float_embedding_vector_is_the_list_itself() -> None:
    data = t.EmbeddingsData(object="embedding", index=0, embedding=[0.25, -1.0])
    assert data.vector() == [0.25, -1.0]


def test_base64_embedding_with_a_partial_float_raises_a_clear_error() -> None:
    encoded = base64.b64encode(b"\x00\x00\x80\x3f\x00\x00").decode()
    data = t.EmbeddingsData(object="embedding", index=3, embedding=encoded)
    with pytest.raises(
        ValueError, match=r"embedding 3 decodes to 6 bytes, which is not a multiple of 4"
    ):
        data.vector()


def test_embedding_that_is_not_base64_raises_a_clear_error() -> None:
    data = t.EmbeddingsData(object="embedding", index=0, embedding="not base64!")
    with pytest.raises(ValueError, match="embedding 0 is not valid base64"):
        data.vector()
