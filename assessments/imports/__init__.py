"""The assessment workbooks on the shared importer (core.recordimports), registered from ``AssessmentsConfig.ready()``.

- ``agreements``: 目标管理责任书 and their scores per item;
- ``meetings``: 民主生活会;
- ``grades``: 民主评议党员 results (the year's grade set; 优秀 over the share warned in the preview).
"""

from .agreements import TargetAgreementsKind
from .grades import AppraisalGradesKind
from .meetings import LifeMeetingsKind

KINDS = (TargetAgreementsKind, LifeMeetingsKind, AppraisalGradesKind)

__all__ = ["KINDS", "AppraisalGradesKind", "LifeMeetingsKind", "TargetAgreementsKind"]
