"""Reads of the dues app, one module per area."""
