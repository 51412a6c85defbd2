"""Who may read a member's full resident ID number (公民身份号码) on the pages.

Pages show the masked number; ``may_reveal_id`` decides who gets the
查看完整号码 button and whose reveal the endpoint answers (each reveal is
recorded, ``core.access.record_access``).  It is a role rule with a Django
permission on top:

- county staff (组织部干事) and committee staff (党委组织员) may, by their role;
- any other account that may write holds it only when an administrator grants
  the permission ``core.reveal_id_number`` (查看完整公民身份号码) to the user
  or a group in the admin;
- superusers may;
- auditors (只读审计) and inactive accounts never may, whatever they were
  granted: a reveal is a recorded action, and read-only roles act on nothing.

Branch secretaries therefore see only the masked number unless granted.
"""

from __future__ import annotations

from typing import Any

from core.access import REVEAL_ID_PERMISSION
from core.scopes import can_write, sees_everything
from organizations.choices import Role

#: Roles that may reveal full ID numbers without a grant.
REVEAL_ID_ROLES = (Role.COUNTY_STAFF, Role.COMMITTEE_STAFF)


def may_reveal_id(user: Any) -> bool:
    """True when ``user`` may ask for a member's full ID number (in their scope; the view checks that)."""
    if not can_write(user):
        return False
    if sees_everything(user) or user.role in REVEAL_ID_ROLES:
        return True
    return user.has_perm(REVEAL_ID_PERMISSION)
