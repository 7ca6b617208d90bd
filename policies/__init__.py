"""Policies: the schema of a modeltier policy, its loader, and the bundled default as data."""
