"""What the data providers share: HTTP with timeouts and retries, and API keys."""
