"""Base64 embeddings decoded by the parser: numpy arrays when numpy is installed, lists without."""

from __future__ import annotations

import base64
import json
import struct
import sys
from typing import List

import numpy
import pytest
from pydantic import ValidationError

from meshapi import EmbeddingsData
from meshapi._vectors import decode_embedding, embeddings_parser

VALUES = [0.5, -1.25, 3.0]


def b64(values: List[float]) -> str:
    return base64.b64encode(struct.pack(f"<{len(values)}f", *values)).decode()


def body(*embeddings: object) -> bytes:
    data = [{"object": "embedding", "index": i, "embedding": e} for i, e in enumerate(embeddings)]
    return json.dumps({"object": "list", "data": data, "model": "m"}).encode()


def test_numpy_installed_gives_float32_arrays() -> None:
    result = embeddings_parser().validate(body(b64(VALUES), [1.0, 2.0]))
    first = result.data[0].embedding
    assert isinstance(first, numpy.ndarray) and first.dtype == numpy.float32
    assert first.tolist() == VALUES
    assert result.data[1].embedding == [1.0, 2.0]  # floats stay as they came
    assert result.data[0].vector() == VALUES
    assert result.model_dump()["data"][0]["embedding"] == VALUES  # dumps as a list


def test_without_numpy_the_list_path(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "numpy", None)  # `import numpy` raises ImportError
    result = embeddings_parser().validate(body(b64(VALUES)))
    assert result.data[0].embedding == VALUES and isinstance(result.data[0].embedding, list)
    assert decode_embedding(b64([]), 0) == []


@pytest.mark.parametrize(
    ("text", "message"), [("not base64!", "not valid base64"), ("AAA=", "multiple of 4")]
)
def test_a_bad_embedding_is_a_validation_error_naming_it(text: str, message: str) -> None:
    with pytest.raises(ValidationError) as info:
        embeddings_parser().validate(body([1.0], text))
    error = info.value.errors()[0]
    assert error["loc"] == ("data", 1, "embedding") and message in error["msg"]


def test_a_hand_built_base64_item_still_decodes_with_vector() -> None:
    item = EmbeddingsData(object="embedding", index=0, embedding=b64(VALUES))
    assert item.vector() == VALUES
