"""Party dues: the standards, each member's category and base, payments, remittances and the retained-dues ledger.

Amounts are ``Decimal`` with two places (元) everywhere; nothing here holds a
float.  A month is stored as its first day.  The amount due (``DuesLevy``) is
never stored: it is derived from the rules and the member's base in force
that month (``dues.selectors.levy``), so a late correction of a base shows
what each month owes without rewriting anything.
"""

from .bases import AssessmentQuerySet, DuesAssessment, DuesSchedule  # noqa: F401
from .common import ZERO  # noqa: F401
from .payments import DuesPayment, PaymentQuerySet, ReceiptSequence  # noqa: F401
from .remittances import Remittance, RemittanceQuerySet, RetainedFundEntry  # noqa: F401
from .standards import DuesRule, RemittanceRule  # noqa: F401
