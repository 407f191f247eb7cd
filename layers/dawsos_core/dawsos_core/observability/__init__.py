"""Observability: Powertools logs, CloudWatch EMF metrics, X-Ray and OpenTelemetry spans,
and Sentry with PII scrubbing. Each backend is optional; without any of them the code runs
unchanged, and a failing backend never fails a request."""
