"""Every indicator of ``INDICATORS.md``: ``compute(org, period)``, the registry and one module per family.

Families are added as the apps they read land (dues, training, assessments
register theirs in modules beside these).
"""

from . import assessments, dues, members, organizations, training  # noqa: F401  (registers the families)
from .base import FAMILIES, INDICATORS, Family, Indicator, compute, rate

__all__ = ["FAMILIES", "INDICATORS", "Family", "Indicator", "compute", "rate"]
