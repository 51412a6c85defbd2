"""Writes of the dues app, one module per area (import from the module itself)."""
