"""The sandbox card gateway: a stand-in for a real acquirer, spoken to over real HTTP.

It offers what the payments service needs from a card gateway: a hosted payment page with a
simulated 3-D Secure step and test cards (success, decline, 3-D Secure failure), HMAC-SHA256
signed webhooks to the merchant's notification URL, a status API, refunds and card
registration (tokens), and merchant-initiated charges of a stored token (autopay) with test
cards whose charges decline, time out or need the cardholder. Run it with
``python -m payments.sandbox`` (``GATEWAY_`` settings).
"""

from payments.sandbox.app import build_gateway_app
from payments.sandbox.settings import GatewaySettings

__all__ = ["GatewaySettings", "build_gateway_app"]
