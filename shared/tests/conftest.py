"""Tests of the tarifa library: unit tests, and integration tests on the real servers."""

from __future__ import annotations

import pytest


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "slow: restarts a broker or waits out redeliveries")
