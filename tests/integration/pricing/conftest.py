"""Pricing tests share the fixtures of tests/integration/conftest.py."""
