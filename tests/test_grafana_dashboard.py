"""The Grafana dashboard (deploy/grafana/tarifa.json) queries only what the services export: every
metric name in its PromQL is one the services' processes register, with the labels it groups and
filters by, and each figure issue 11 promises has a panel. So a renamed metric breaks this test,
not the dashboard in production."""

from __future__ import annotations

import importlib
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from prometheus_client import REGISTRY

ROOT = Path(__file__).resolve().parents[1]
DASHBOARD = ROOT / "deploy" / "grafana" / "tarifa.json"
SERVICES = ("accounts", "rating", "invoicing", "payments", "notifications")
HISTOGRAM_SUFFIXES = ("_bucket", "_count", "_sum")
PROMQL_WORDS = {"by", "without", "sum", "max", "min", "avg", "rate", "increase", "le",
                "histogram_quantile", "label_values"}
PROMISED = {  # issue 11 and the dashboard's brief
    "tarifa_http_requests_total", "tarifa_http_request_seconds_bucket",
    "tarifa_consumer_seconds_bucket", "tarifa_consumer_failures_total",
    "tarifa_outbox_pending_events", "tarifa_outbox_oldest_pending_seconds",
    "tarifa_dead_letter_messages", "tarifa_billing_run_invoices",
    "tarifa_documents_signed_total", "tarifa_notification_attempts_total",
}
_METRIC = re.compile(r"\btarifa_[a-z0-9_]+\b")
_GROUPING = re.compile(r"\bby\s*\(([^)]*)\)")
_SELECTOR = re.compile(r"(tarifa_[a-z0-9_]+)\s*\{([^}]*)\}")
_MATCHER = re.compile(r"([a-z_]+)\s*(?:=~|!~|!=|=)")


@pytest.fixture(scope="module")
def exported() -> dict[str, set[str]]:
    """Every sample name the services' processes can serve on /metrics, with its labels."""
    for service in SERVICES:
        importlib.import_module(f"{service}.bootstrap")  # the metrics register on import
    names: dict[str, set[str]] = {}
    for family in REGISTRY.collect():
        labels = set(_labels_of(family.name))
        for name in _sample_names(family.name, family.type):
            names[name] = labels | ({"le"} if name.endswith("_bucket") else set())
    return names


def _labels_of(family: str) -> tuple[str, ...]:
    # prometheus_client keeps a metric's label names on the collector only.
    collectors: dict[str, Any] = getattr(REGISTRY, "_names_to_collectors", {})
    for name in (family, f"{family}_total"):
        if name in collectors:
            return tuple(getattr(collectors[name], "_labelnames", ()))
    return ()


def _sample_names(family: str, kind: str) -> list[str]:
    if kind == "counter":
        return [f"{family}_total"]
    if kind == "histogram":
        return [family + suffix for suffix in HISTOGRAM_SUFFIXES]
    return [family]


def _queries(node: Any) -> Iterator[str]:
    """Every PromQL expression of the dashboard: panel targets and template variables."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("expr", "definition") and isinstance(value, str):
                yield value
            else:
                yield from _queries(value)
    elif isinstance(node, list):
        for item in node:
            yield from _queries(item)


@pytest.fixture(scope="module")
def queries() -> list[str]:
    found = list(_queries(json.loads(DASHBOARD.read_text())))
    assert found, "the dashboard has no queries"
    return found


def test_every_metric_the_dashboard_queries_is_exported(
    queries: list[str], exported: dict[str, set[str]],
) -> None:
    unknown = {name for query in queries for name in _METRIC.findall(query)} - exported.keys()
    assert not unknown, f"the dashboard queries metrics no service exports: {sorted(unknown)}"


def test_every_label_it_filters_or_groups_by_is_one_of_the_metric(
    queries: list[str], exported: dict[str, set[str]],
) -> None:
    wrong = []
    for query in queries:
        metrics = _METRIC.findall(query)
        grouped = {label.strip() for found in _GROUPING.findall(query) for label in found.split(",")}
        for label in grouped - {""}:
            if not any(label in exported.get(metric, set()) for metric in metrics):
                wrong.append((query, label))
        for metric, matchers in _SELECTOR.findall(query):
            wrong += [(query, label) for label in _MATCHER.findall(matchers)
                      if label not in exported.get(metric, set())]
    assert not wrong, f"labels the metrics do not have: {wrong}"


def test_each_promised_figure_has_a_panel(queries: list[str]) -> None:
    used = {name for query in queries for name in _METRIC.findall(query)}
    assert used >= PROMISED, f"no panel for {sorted(PROMISED - used)}"


def test_the_dashboard_is_importable_grafana_json() -> None:
    dashboard = json.loads(DASHBOARD.read_text())
    assert dashboard["uid"] and dashboard["title"] and dashboard["schemaVersion"] >= 36
    ids = [panel["id"] for panel in dashboard["panels"]]
    assert len(ids) == len(set(ids))
    for panel in dashboard["panels"]:
        if panel["type"] != "row":
            assert panel["targets"] and panel["datasource"]["uid"] == "${datasource}"
