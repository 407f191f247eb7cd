"""News headlines (NewsAPI): stored per symbol when fetched, read for a portfolio's holdings.
NewsAPI's terms let headlines be viewed, never exported."""
