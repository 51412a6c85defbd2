"""Django admin of the members app: one module per area, every changelist scoped."""

from . import care, development, imports, member, transfers  # noqa: F401
