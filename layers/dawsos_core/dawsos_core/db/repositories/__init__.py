"""Repositories: every SQL statement of the domain lives in this package."""
