"""The webhook poster sends to the address vetted for the URL's host, naming the host in ``Host``
and in TLS's SNI, so the name is not resolved again; without one it sends to the URL as is."""

from __future__ import annotations

import httpx
from notifications.adapters.webhook_http import HttpWebhookPoster
from notifications.service.webhook_ports import OutgoingWebhook


def _poster(seen: list[httpx.Request], status: int = 204) -> HttpWebhookPoster:
    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(status, headers={"location": "http://127.0.0.1/"})

    return HttpWebhookPoster(httpx.AsyncClient(transport=httpx.MockTransport(answer)))


async def test_a_pinned_webhook_goes_to_its_address_with_the_host_named() -> None:
    seen: list[httpx.Request] = []
    outcome = await _poster(seen).post(OutgoingWebhook(
        url="https://hooks.example.com:8443/in?x=1", headers={"webhook-id": "m-1"}, body="{}",
        address="2606:2800:21f::1"))
    [request] = seen
    assert outcome.status_code == 204
    assert str(request.url) == "https://[2606:2800:21f::1]:8443/in?x=1"
    assert request.headers["host"] == "hooks.example.com:8443"
    assert request.extensions["sni_hostname"] == "hooks.example.com"
    assert request.headers["webhook-id"] == "m-1" and request.content == b"{}"


async def test_an_unpinned_webhook_goes_to_its_url_and_a_redirect_is_not_followed() -> None:
    seen: list[httpx.Request] = []
    outcome = await _poster(seen, status=307).post(OutgoingWebhook(
        url="http://127.0.0.1:9000/in", headers={}, body="{}"))
    [request] = seen
    assert str(request.url) == "http://127.0.0.1:9000/in"
    assert request.headers["host"] == "127.0.0.1:9000" and "sni_hostname" not in request.extensions
    assert outcome.status_code == 307 and not outcome.accepted
