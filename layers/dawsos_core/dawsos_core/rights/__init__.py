"""Data rights: what each source's licence allows, and the attributions answers carry."""
