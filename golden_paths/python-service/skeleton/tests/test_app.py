"""The service's own tests: health endpoints, and observability on by default."""

from __future__ import annotations

import json
import logging

from fastapi.testclient import TestClient

from ${{ values.package }}.app import create_app
from ${{ values.package }}.logs import JsonFormatter
from ${{ values.package }}.telemetry import Telemetry


def _client() -> tuple[TestClient, Telemetry]:
    telemetry = Telemetry.in_memory("${{ values.name }}")
    return TestClient(create_app(telemetry)), telemetry


def test_health_and_readiness():
    client, _ = _client()
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").json() == {"status": "ready"}
    client.app.state.ready = False
    response = client.get("/readyz")
    assert response.status_code == 503


def test_every_request_is_traced_and_counted():
    client, telemetry = _client()
    client.get("/")
    spans = telemetry.spans.get_finished_spans()
    assert [s.name for s in spans] == ["GET /"]
    assert spans[0].attributes["http.response.status_code"] == 200
    data = telemetry.metrics.get_metrics_data()
    names = {
        m.name
        for rm in data.resource_metrics
        for sm in rm.scope_metrics
        for m in sm.metrics
    }
    assert {"http.server.requests", "http.server.duration"} <= names


def test_logs_are_json_with_the_trace_id():
    telemetry = Telemetry.in_memory("${{ values.name }}")
    tracer = telemetry.tracer_provider.get_tracer("test")
    record = logging.LogRecord("t", logging.INFO, __file__, 1, "hello %s", ("you",), None)
    with tracer.start_as_current_span("work") as span:
        line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "hello you"
    assert line["trace_id"] == format(span.get_span_context().trace_id, "032x")
