"""Pages of the dues app, one module per area; each lists its ``urls``."""
