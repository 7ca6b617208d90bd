"""Benchmarks of modeltier's analysis core (run as scripts; not part of the test suite)."""
