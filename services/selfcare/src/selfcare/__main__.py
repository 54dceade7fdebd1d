"""``python -m selfcare serve``: the cabinet on ``SELFCARE_PORT`` (8006); ``build``: build it."""

from __future__ import annotations

import sys

import uvicorn
from pydantic import ValidationError

from selfcare.app import build_app
from selfcare.build import ensure_built
from selfcare.settings import SelfcareSettings


def main() -> None:
    if sys.argv[1:] == ["build"]:
        print(f"selfcare: the web app is ready in {ensure_built()}")
        return
    if sys.argv[1:] not in ([], ["serve"]):
        raise SystemExit("usage: python -m selfcare [serve|build]")
    try:
        settings = SelfcareSettings()
    except ValidationError as exc:
        wrong = "; ".join(f"SELFCARE_{str(e['loc'][0]).upper()}: {e['msg']}" for e in exc.errors())
        raise SystemExit(f"selfcare: invalid settings: {wrong}") from exc
    uvicorn.run(build_app(settings), host=settings.host, port=settings.port, log_config=None,
                access_log=False)


if __name__ == "__main__":
    main()
