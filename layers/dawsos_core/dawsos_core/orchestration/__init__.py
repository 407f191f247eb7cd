"""Patterns (JSON step graphs), the orchestrator that runs them, and the agent runtime."""
