"""Company fundamentals of held commodities (Financial Modeling Prep)."""
