"""``python -m payments.sandbox``: serve the sandbox card gateway on ``GATEWAY_PORT`` (8010)."""

from __future__ import annotations

import uvicorn
from pydantic import ValidationError

from payments.sandbox.app import build_gateway_app
from payments.sandbox.settings import GatewaySettings


def main() -> None:
    try:
        settings = GatewaySettings()
    except ValidationError as exc:
        wrong = "; ".join(f"GATEWAY_{str(e['loc'][0]).upper()}: {e['msg']}" for e in exc.errors())
        raise SystemExit(f"sandbox gateway: invalid settings: {wrong}") from exc
    uvicorn.run(build_gateway_app(settings), host=settings.host, port=settings.port,
                log_config=None, access_log=False)


if __name__ == "__main__":
    main()
