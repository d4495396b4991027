"""The HTTP application. Run it with `uvicorn ${{ values.package }}.app:app`."""

from __future__ import annotations

import logging
import os

from fastapi import FastAPI, Response

from ${{ values.package }}.logs import configure_logging
from ${{ values.package }}.telemetry import Telemetry

SERVICE = "${{ values.name }}"
log = logging.getLogger(SERVICE)


def create_app(telemetry: Telemetry | None = None) -> FastAPI:
    """The service, with observability on: every request is traced, counted and timed,
    and every log line is JSON carrying the trace and span ids."""
    configure_logging(os.environ.get("LOG_LEVEL", "INFO"))
    telemetry = telemetry or Telemetry.from_environment(SERVICE)
    app = FastAPI(title=SERVICE, description=${{ values.description | dump }})
    telemetry.instrument(app)
    app.state.telemetry = telemetry
    app.state.ready = True

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        """Liveness: the process answers."""
        return {"status": "ok"}

    @app.get("/readyz")
    def readyz(response: Response) -> dict[str, str]:
        """Readiness: the service can take traffic (set app.state.ready to False to drain)."""
        if not app.state.ready:
            response.status_code = 503
            return {"status": "draining"}
        return {"status": "ready"}

    @app.get("/")
    def index() -> dict[str, str]:
        log.info("index requested")
        return {"service": SERVICE}

    return app


app = create_app()
