"""Macro-economic series (FRED), stored by the pack builder and read as of a pack date."""
