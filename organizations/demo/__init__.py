"""The organizations app's demo steps: the county's organization tree, then one log-in per role.

``names`` holds the county's place, unit and personal names; the members
app's steps draw on it too.
"""

from __future__ import annotations

from core.demo import DemoStep

from . import organizations, users

#: Run in this order by the pipeline (``partyorg.demo``), before the steps of the apps above.
STEPS: list[DemoStep] = [("organizations", organizations.build), ("users", users.build)]
