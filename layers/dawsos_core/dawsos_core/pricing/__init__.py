"""Pricing: policies, providers, packs, reconciliation and pack health."""
