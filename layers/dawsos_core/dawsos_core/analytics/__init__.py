"""Analytics: valuation, returns, risk and attribution under pinned conventions."""
