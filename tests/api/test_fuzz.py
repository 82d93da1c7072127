"""Schemathesis against /openapi.json, in-process: no input may produce a server error."""
from __future__ import annotations

import time

import pytest

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402


# The screening service's own endpoints (issue 5).
# /updatez is left out: a forced reload per example only measures unpickling (it has its own tests).
SERVICE_PATHS = ("/match", "/search", "/entities", "/catalog", "/algorithms", "/healthz", "/readyz")


@pytest.fixture(scope="module")
def api_schema(app):
    return schemathesis.openapi.from_asgi("/openapi.json", app)


def test_no_server_errors(api_schema, client):
    failures = []
    calls = 0
    timings: dict[str, float] = {}
    for result in api_schema.get_all_operations():
        operation = result.ok()
        if not operation.path.startswith(SERVICE_PATHS):
            continue  # other routers (alerts, scan ...) are fuzzed by their owners' tests

        @settings(max_examples=30, deadline=None, derandomize=True,
                  suppress_health_check=list(HealthCheck), database=None)
        def run(case):
            nonlocal calls
            response = case.call()
            calls += 1
            if response.status_code >= 500:
                failures.append(f"{case.method} {case.formatted_path} -> {response.status_code}: "
                                f"{response.text[:300]}")

        started = time.perf_counter()
        given(case=operation.as_strategy())(run)()
        timings[f"{operation.method.upper()} {operation.path}"] = round(time.perf_counter() - started, 2)
    assert calls > 50
    print(timings)
    assert not failures, "\n".join(failures[:10])
