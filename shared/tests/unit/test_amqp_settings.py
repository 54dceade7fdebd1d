"""``TARIFA_AMQP_URL``: one amqp(s):// URL or several comma-separated; anything else stops the
process naming the variable, without echoing a URL (it may carry a password)."""

from __future__ import annotations

from typing import ClassVar

import pytest
from tarifa.settings import InvalidSettings, ServiceSettings, load_settings


class SampleSettings(ServiceSettings):
    service_name: ClassVar[str] = "sample"


LIST = "amqp://u:p@node-1:5672/, amqps://u:p@node-2:5671/v,amqp://node-3"


def test_a_list_of_addresses_is_taken(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TARIFA_AMQP_URL", LIST)
    assert load_settings(SampleSettings).amqp_url == LIST


@pytest.mark.parametrize("value", [
    "", " , ", "http://u:p@node-1/", "amqp://u:p@node-1/,postgresql://db/",
    "amqp://u:p@node-1/\namqp://node-2/", "amqp://u:p@node-1/\x1b[0m", "amqp://node 1/",
    "amqp:///", "node-1:5672",
])
def test_a_wrong_list_is_named_without_its_password(monkeypatch: pytest.MonkeyPatch,
                                                    value: str) -> None:
    monkeypatch.setenv("TARIFA_AMQP_URL", value)
    with pytest.raises(InvalidSettings, match="TARIFA_AMQP_URL") as caught:
        load_settings(SampleSettings)
    assert "u:p" not in str(caught.value)
