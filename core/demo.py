"""The context every app's demo steps share (the pipeline itself is ``partyorg.demo``)."""

from __future__ import annotations

import datetime
import random
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TextIO


@dataclass
class DemoContext:
    """Everything the demo steps share.

    ``county`` is the root 县委; ``committees`` the base committees (乡镇党委,
    机关/企业/学校/离退休 党委, 党工委); ``general_branches`` the 党总支;
    ``branches`` every 党支部 (in creation order) that is still active;
    ``members`` every Member created (including those who left during the
    year); ``users`` maps a role key (``county``, ``committee``, ``secretary``,
    ``secretary_b``, ``auditor``, ``admin``) to the demo User.

    The foundation steps also leave in ``extra``: ``"units"`` (organization
    pk → work-unit name, e.g. "新华镇各甫村"), ``"townships"`` (township name →
    its village branches) and ``"member_homes"`` (how members were spread).
    """

    rng: random.Random
    seed: int
    year: int
    today: datetime.date
    actor: Any = None  # the admin user services run as
    county: Any = None
    committees: list[Any] = field(default_factory=list)
    general_branches: list[Any] = field(default_factory=list)
    branches: list[Any] = field(default_factory=list)
    members: list[Any] = field(default_factory=list)
    users: dict[str, Any] = field(default_factory=dict)
    member_count: int = 8800
    stdout: TextIO = sys.stdout
    extra: dict[str, Any] = field(default_factory=dict)

    def log(self, message: str) -> None:
        """One progress line on the command's output."""
        self.stdout.write(message + "\n")


#: One step of the demo pipeline: its name and the function that adds its records to the context.
DemoStep = tuple[str, Callable[[DemoContext], None]]
