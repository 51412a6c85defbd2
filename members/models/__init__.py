"""Models of the members app, one module per area; all importable from here."""

from .care import *  # noqa: F403
from .development import *  # noqa: F403
from .imports import *  # noqa: F403
from .member import Member, MemberPeriod, MemberPeriodQuerySet, MemberQuerySet, age_on  # noqa: F401
from .person import PERSON_FIELDS, TRANSFER_PERSON_FIELDS, PersonFields, person_snapshot  # noqa: F401
from .transfers import *  # noqa: F403
