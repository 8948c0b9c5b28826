"""The trailing-slash redirect points at the gateway itself, whatever Host the client sent."""

from __future__ import annotations

import httpx

from meshapi.testing import LocalGateway


def test_the_redirect_location_ignores_the_host_header(shared_gateway: LocalGateway) -> None:
    with httpx.Client(base_url=shared_gateway.base_url, timeout=10) as client:
        for path, target in [
            ("/v1/batches/?limit=1", "/v1/batches?limit=1"),
            ("/v1/templates/", "/v1/templates"),
            ("/_gateway/health/", "/_gateway/health"),
        ]:
            response = client.get(path, headers={"Host": "attacker.example"})
            assert response.status_code == 307, (path, response.text)
            assert response.headers["location"] == shared_gateway.base_url + target
        # Not a route either way: still the plain 404.
        missing = client.get("/v1/nothing/", headers={"Host": "attacker.example"})
        assert missing.status_code == 404 and "location" not in missing.headers
