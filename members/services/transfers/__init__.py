"""Writes for members in motion: the 介绍信 lifecycle, certificates, mobile members, leaving, lost contact, 恢复党籍.

One module per procedure (``letters``, ``incoming``, ``certificates``,
``mobile``, ``leaving``, ``lost_contact``, ``restoration``) and the hooks that make those
records follow a member's move or leaving (``hooks``).  The names views,
forms and tests use are re-exported here.
"""

from .certificates import certificate_issue
from .common import validity_days_or_default
from .hooks import (
    end_records_on_leaving,
    records_follow_member,
    refuse_move_with_open_letter,
    register_member_hooks,
)
from .incoming import PERSON_FIELDS, person_of, transfer_record_incoming
from .leaving import DECIDED_REASONS, DEPARTURE_REASONS, member_depart, member_remove_after_suspension
from .letters import transfer_accept, transfer_issue, transfer_record_receipt, transfer_reissue, transfer_void
from .lost_contact import lost_contact_record, lost_contact_resolve, lost_contact_suspend, lost_contact_update
from .mobile import mobile_end, mobile_register
from .restoration import member_restore

__all__ = [
    "DECIDED_REASONS",
    "DEPARTURE_REASONS",
    "PERSON_FIELDS",
    "certificate_issue",
    "end_records_on_leaving",
    "lost_contact_record",
    "lost_contact_resolve",
    "lost_contact_suspend",
    "lost_contact_update",
    "member_depart",
    "member_remove_after_suspension",
    "member_restore",
    "mobile_end",
    "mobile_register",
    "person_of",
    "records_follow_member",
    "refuse_move_with_open_letter",
    "register_member_hooks",
    "transfer_accept",
    "transfer_issue",
    "transfer_record_incoming",
    "transfer_record_receipt",
    "transfer_reissue",
    "transfer_void",
    "validity_days_or_default",
]
