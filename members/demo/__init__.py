"""The members app's demo steps: members and their history, development, transfers, care visits."""

from __future__ import annotations

from core.demo import DemoStep

from . import care, development, members, transfers

#: Run in this order by the pipeline (``partyorg.demo``), after the organizations app's steps.
STEPS: list[DemoStep] = [
    ("members", members.build),
    ("development", development.build),
    ("transfers", transfers.build),
    ("care", care.build),
]
