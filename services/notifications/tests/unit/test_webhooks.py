"""Webhook rules: Standard Webhooks signatures, secret rotation, backoff within the window,
disabling after consecutive failures, and which URLs an endpoint may have."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from notifications.domain.webhook_delivery import (
    AttemptOutcome,
    WebhookDelivery,
    WebhookPolicy,
    WebhookStatus,
)
from notifications.domain.webhook_signing import new_secret, signature_header
from notifications.domain.webhook_url import InvalidEndpointUrl, check_url
from notifications.domain.webhooks import EndpointStatus, SigningSecret, WebhookEndpoint
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
POLICY = WebhookPolicy(base=timedelta(seconds=30), ceiling=timedelta(hours=1),
                       window=timedelta(days=1), disable_after=3)
FAILED = AttemptOutcome(503, 12, "HTTP 503")
ACCEPTED = AttemptOutcome(204, 8)


def _endpoint(secret: str = "whsec_" + "QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUE=") -> WebhookEndpoint:
    return WebhookEndpoint(id="e-1", url="https://hooks.example.com/in", event_types=("a.b.c",),
                           description=None, status=EndpointStatus.ACTIVE,
                           secrets=(SigningSecret(secret),), created_at=NOW)


def _delivery() -> WebhookDelivery:
    return WebhookDelivery.plan(id="d-1", endpoint_id="e-1", event_id="ev-1", event_type="a.b.c",
                                body='{"id":"ev-1"}', now=NOW)


def _headers(keys: tuple[str, ...], body: str, timestamp: int) -> dict[str, str]:
    return {"webhook-id": "msg-1", "webhook-timestamp": str(timestamp),
            "webhook-signature": signature_header(keys, "msg-1", timestamp, body)}


def test_a_signature_verifies_with_the_reference_library_and_not_with_another_secret() -> None:
    secret, body, timestamp = new_secret(), '{"specversion":"1.0","data":{"x":"ă"}}', int(
        datetime.now(UTC).timestamp())
    assert secret.startswith("whsec_")
    headers = _headers((secret,), body, timestamp)
    assert Webhook(secret).verify(body, headers) == {"specversion": "1.0", "data": {"x": "ă"}}
    with pytest.raises(WebhookVerificationError):
        Webhook(new_secret()).verify(body, headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(body.replace("ă", "a"), headers)


def test_after_a_rotation_both_secrets_sign_until_the_grace_period_ends() -> None:
    old, new = new_secret(), new_secret()
    rotated = _endpoint(old).rotated(new, NOW, timedelta(hours=1))
    assert rotated.signing_keys(NOW) == (new, old)
    assert rotated.signing_keys(NOW + timedelta(hours=1)) == (new,)
    again = rotated.rotated(newest := new_secret(), NOW + timedelta(minutes=5), timedelta(hours=1))
    assert again.signing_keys(NOW + timedelta(minutes=5)) == (newest, new)
    assert _endpoint(old).rotated(new, NOW, timedelta(0)).signing_keys(NOW) == (new,)


def test_failures_back_off_doubling_up_to_the_ceiling() -> None:
    delivery, waits = _delivery(), []
    at = NOW
    for _ in range(9):
        delivery = delivery.attempted(FAILED, at, POLICY)
        assert delivery.next_attempt_at is not None
        waits.append(delivery.next_attempt_at - at)
        at = delivery.next_attempt_at
    assert [w.total_seconds() for w in waits] == [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]
    assert delivery.status is WebhookStatus.PENDING and delivery.attempts == 9


def test_a_delivery_is_given_up_when_the_next_try_would_be_past_the_window() -> None:
    delivery, at = _delivery(), NOW
    while delivery.status is WebhookStatus.PENDING:
        delivery = delivery.attempted(FAILED, at, POLICY)
        at = delivery.next_attempt_at or at
    assert delivery.status is WebhookStatus.FAILED and delivery.next_attempt_at is None
    assert NOW + timedelta(hours=22) < at <= NOW + timedelta(days=1)
    assert _delivery().attempted(ACCEPTED, NOW, POLICY).status is WebhookStatus.SUCCEEDED


def test_an_endpoint_is_disabled_after_the_policy_number_of_failures_in_a_row() -> None:
    endpoint = _endpoint().failed(3).failed(3).answered().failed(3).failed(3)
    assert endpoint.status is EndpointStatus.ACTIVE and endpoint.consecutive_failures == 2
    endpoint = endpoint.failed(3)
    assert endpoint.status is EndpointStatus.DISABLED and not endpoint.wants("a.b.c")
    assert endpoint.disabled_reason == "3 consecutive failed attempts"
    enabled = endpoint.enabled()
    assert enabled.wants("a.b.c") and enabled.consecutive_failures == 0 and not enabled.wants("x.y.z")


@pytest.mark.parametrize("url", [
    "ftp://hooks.example.com/in", "hooks.example.com/in", "https:///path", "javascript:alert(1)",
    "https://hooks.example.com/a b", "https://hooks.example.com/\x00", "https://u:p@example.com/",
    "https://example.com:99999/", "https://example.com/" + "a" * 2000,
])
def test_urls_that_are_not_plain_http_or_https_are_refused(url: str) -> None:
    with pytest.raises(InvalidEndpointUrl):
        check_url(url, allow_private=True)


@pytest.mark.parametrize("url", ["http://127.0.0.1:9000/in", "http://localhost/in",
                                 "http://[::1]/in", "http://0.0.0.0/"])
def test_loopback_is_refused_unless_allowed(url: str) -> None:
    with pytest.raises(InvalidEndpointUrl):
        check_url(url, allow_private=False)
    assert check_url(url, allow_private=True) == url
    assert check_url("https://hooks.example.com/in?x=1", allow_private=False)
