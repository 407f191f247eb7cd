"""Agents: named sets of capabilities the runtime routes pattern steps to."""
