"""OpenTelemetry traces and metrics. Exported over OTLP when OTEL_EXPORTER_OTLP_ENDPOINT
is set (the platform's collector); kept in process otherwise, so tests can read them."""

from __future__ import annotations

import os
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from fastapi import FastAPI, Request, Response
from opentelemetry import trace
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader, MetricReader
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import (
    BatchSpanProcessor,
    SimpleSpanProcessor,
    SpanExporter,
)
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter


@dataclass
class Telemetry:
    """The service's tracer and meter, and where they send what they record."""

    tracer_provider: TracerProvider
    meter_provider: MeterProvider
    spans: InMemorySpanExporter | None = None
    metrics: InMemoryMetricReader | None = None

    @classmethod
    def from_environment(cls, service: str) -> Telemetry:
        resource = Resource.create({"service.name": service})
        if os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT"):
            return cls._otlp(resource)
        return cls.in_memory(service)

    @classmethod
    def in_memory(cls, service: str) -> Telemetry:
        resource = Resource.create({"service.name": service})
        spans, metrics = InMemorySpanExporter(), InMemoryMetricReader()
        tracer = TracerProvider(resource=resource)
        tracer.add_span_processor(SimpleSpanProcessor(spans))
        return cls(tracer, MeterProvider(resource=resource, metric_readers=[metrics]), spans, metrics)

    @classmethod
    def _otlp(cls, resource: Resource) -> Telemetry:
        from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
        from opentelemetry.sdk.metrics.export import PeriodicExportingMetricReader

        exporter: SpanExporter = OTLPSpanExporter()
        tracer = TracerProvider(resource=resource)
        tracer.add_span_processor(BatchSpanProcessor(exporter))
        reader: MetricReader = PeriodicExportingMetricReader(OTLPMetricExporter())
        return cls(tracer, MeterProvider(resource=resource, metric_readers=[reader]))

    def instrument(self, app: FastAPI) -> None:
        """A span, a request counter and a latency histogram for every request."""
        tracer = self.tracer_provider.get_tracer(__name__)
        meter = self.meter_provider.get_meter(__name__)
        requests = meter.create_counter("http.server.requests", description="Requests served")
        latency = meter.create_histogram(
            "http.server.duration", unit="ms", description="Time to answer a request"
        )

        @app.middleware("http")
        async def observe(
            request: Request, call_next: Callable[[Request], Awaitable[Response]]
        ) -> Response:
            route = request.url.path
            start = time.perf_counter()
            with tracer.start_as_current_span(f"{request.method} {route}") as span:
                span.set_attribute("http.request.method", request.method)
                span.set_attribute("url.path", route)
                response = await call_next(request)
                span.set_attribute("http.response.status_code", response.status_code)
                if response.status_code >= 500:
                    span.set_status(trace.Status(trace.StatusCode.ERROR))
            attributes = {"http.route": route, "http.response.status_code": response.status_code}
            requests.add(1, attributes)
            latency.record((time.perf_counter() - start) * 1000, attributes)
            return response
