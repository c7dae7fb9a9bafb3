"""Benchmarks of the cadre list, search and detail pages on PostgreSQL (see docs/benchmarks.md)."""
