"""The webhook address guard: addresses of the suite's own network refused in every spelling,
names judged by every address they resolve to (a fake resolver), the vetted address pinned."""

from __future__ import annotations

import pytest
from notifications.domain.webhook_url import InvalidEndpointUrl, check_url
from notifications.service.webhook_addresses import AddressGuard

REFUSED = [
    "http://127.0.0.1/in", "http://127.8.9.10/in", "http://localhost:8080/in",
    "http://LOCALHOST./in", "http://api.localhost/in", "http://[::1]/in", "http://0.0.0.0/",
    "http://[::]/", "http://10.1.2.3/", "http://172.16.0.1/", "http://192.168.1.1/",
    "http://169.254.169.254/latest/meta-data", "http://[fe80::1]/", "http://[fe80::1%25eth0]/",
    "http://[fc00::1]/", "http://224.0.0.1/", "http://[ff02::1]/", "http://240.0.0.1/",
    "http://255.255.255.255/", "http://100.64.0.1/", "http://[::ffff:127.0.0.1]/",
    "http://[::ffff:10.0.0.1]/", "http://[::ffff:7f00:1]/", "http://2130706433/",
    "http://0177.0.0.1/", "http://0x7f.0.0.1/", "http://0x7f000001/", "http://127.1/",
    "http://017700000001/", "http://10.0.0.1./", "http://[2002:7f00:1::1]/",
    "http://[64:ff9b::a9fe:a9fe]/", "http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/",
]


class FakeResolver:
    def __init__(self, records: dict[str, list[str]]) -> None:
        self.records, self.asked = records, list[str]()

    async def addresses(self, host: str, port: int) -> list[str]:
        self.asked.append(f"{host}:{port}")
        if host not in self.records:
            raise OSError(f"{host} does not resolve")
        return self.records[host]


@pytest.mark.parametrize("url", REFUSED)
def test_addresses_of_the_suites_own_network_are_refused_in_every_spelling(url: str) -> None:
    with pytest.raises(InvalidEndpointUrl):
        check_url(url, allow_private=False)
    assert check_url(url, allow_private=True) == url


@pytest.mark.parametrize("url", ["https://93.184.215.14/in", "http://[2606:4700::1111]/",
                                 "https://hooks.example.com/in", "http://[::ffff:8.8.8.8]/"])
def test_public_addresses_and_names_pass_the_form_check(url: str) -> None:
    assert check_url(url, allow_private=False) == url


@pytest.mark.parametrize("url", REFUSED)
async def test_the_guard_refuses_them_without_asking_the_resolver(url: str) -> None:
    resolver = FakeResolver({})
    with pytest.raises(InvalidEndpointUrl):
        await AddressGuard(resolver, allow_private=False).check(url)
    assert resolver.asked == []


@pytest.mark.parametrize("records", [["10.0.0.7"], ["93.184.215.14", "192.168.0.9"],
                                     ["::1"], ["::ffff:169.254.169.254"], ["fe80::1%eth0"]])
async def test_a_name_resolving_to_one_private_address_is_refused(records: list[str]) -> None:
    guard = AddressGuard(FakeResolver({"hooks.example.com": records}), allow_private=False)
    with pytest.raises(InvalidEndpointUrl, match="resolves to"):
        await guard.check("https://hooks.example.com/in")


async def test_a_name_that_does_not_resolve_is_refused() -> None:
    guard = AddressGuard(FakeResolver({"hooks.example.com": []}), allow_private=False)
    with pytest.raises(InvalidEndpointUrl, match="does not resolve"):
        await guard.check("https://hooks.example.com/in")
    with pytest.raises(InvalidEndpointUrl, match="does not resolve"):
        await guard.check("https://elsewhere.example.com/in")


async def test_a_public_name_is_pinned_to_its_first_address_asked_on_the_urls_port() -> None:
    resolver = FakeResolver({"hooks.example.com": ["93.184.215.14", "2606:2800:21f::1"]})
    guard = AddressGuard(resolver, allow_private=False)
    assert await guard.pin("https://hooks.example.com/in") == "93.184.215.14"
    assert await guard.check("http://hooks.example.com:8080/in") == "http://hooks.example.com:8080/in"
    assert resolver.asked == ["hooks.example.com:443", "hooks.example.com:8080"]


async def test_with_private_targets_allowed_nothing_is_resolved_or_pinned() -> None:
    resolver = FakeResolver({})
    guard = AddressGuard(resolver, allow_private=True)
    assert await guard.pin("http://127.0.0.1:9000/in") is None
    assert await guard.check("http://10.0.0.1/in") == "http://10.0.0.1/in"
    assert resolver.asked == []
    with pytest.raises(InvalidEndpointUrl):
        await guard.check("ftp://10.0.0.1/in")
