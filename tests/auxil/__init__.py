"""Shared test helpers: fakes and access to backing services."""
