"""GatewayOptions: typed settings of the batch and RAG services."""

from __future__ import annotations

from typing import Any, Dict

import pytest

from meshapi.testing import GatewayConfig, GatewayOptions, LocalGateway


def test_a_mapping_becomes_typed_options() -> None:
    config = GatewayConfig(options={"batch_step_delay": 1, "rag_signed_url_ttl": 60.0})
    assert config.options == GatewayOptions(batch_step_delay=1.0, rag_signed_url_ttl=60)
    assert isinstance(config.options.batch_step_delay, float)
    assert isinstance(config.options.rag_signed_url_ttl, int)
    assert GatewayConfig().options == GatewayOptions()


def test_local_gateway_takes_options_as_a_mapping_or_an_object() -> None:
    typed = GatewayOptions(rag_embed_delay=0.5)
    assert LocalGateway(options=typed).config.options is typed
    assert LocalGateway(options={"rag_embed_delay": 0.5}).config.options == typed


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"batch_step_dely": 1}, "unknown gateway options: ['batch_step_dely']"),
        ({"batch_max_active": "10"}, "'batch_max_active' must be a number"),
        ({"batch_max_active": True}, "'batch_max_active' must be a number"),
        ({"rag_embedding_model": 3}, "'rag_embedding_model' must be a string"),
    ],
)
def test_bad_options_are_refused_naming_the_option(options: Dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("[", r"\[").replace("]", r"\]")):
        LocalGateway(options=options)
