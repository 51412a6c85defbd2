"""The demo county: a plug-in pipeline that builds a realistic 富宁县-like county.

``python manage.py seed_demo`` creates a :class:`DemoContext` and runs every
step named in :data:`STEPS`, in order.  Each name is a module
``partyorg/demo/<name>.py`` exposing ``build(ctx: DemoContext) -> None``; a
step reads what earlier steps put on the context and adds its own records.

Adding a step (e.g. ``development``, ``transfers``, ``care``, ``dues`` …):

1. write ``partyorg/demo/<name>.py`` with ``def build(ctx: DemoContext) -> None``;
2. append ``"<name>"`` to :data:`STEPS` below (order matters: later steps may use
   anything earlier steps stored on ``ctx``);
3. draw every random choice from ``ctx.rng`` (a ``random.Random(seed)``), take
   "today" from ``ctx.today`` / the year from ``ctx.year`` and iterate lists in a
   fixed order (never over a set or an unordered query), so the same ``--seed``
   gives the same county;
4. prefer ``bulk_create`` for bulk rows (thousands), services for the few
   records whose side effects matter.  Rows written with ``bulk_create`` carry
   no auditlog entry — demo data is generated, not a user's change.

Steps that need extra room on the context may keep it in ``ctx.extra`` under
their own name (``ctx.extra["development"] = …``).
"""

from __future__ import annotations

import datetime
import importlib
import random
import sys
from dataclasses import dataclass, field
from typing import Any, TextIO

#: The pipeline, in order.  Later areas append their module names.
STEPS: list[str] = ["organizations", "members", "users", "development", "transfers", "care"]


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


#: The demo's "today" within ``--year``: late November, so the year-end summary
#: has nearly a whole year of records.  Fixed (not the real date) so that the
#: same ``--seed`` and ``--year`` always give the same county.
AS_OF_MONTH_DAY = (11, 20)


def make_context(
    *, seed: int = 2026, year: int | None = None, members: int = 8800, stdout: TextIO | None = None
) -> DemoContext:
    """A fresh context for ``year`` (default: the current year), as of :data:`AS_OF_MONTH_DAY`."""
    year = year or datetime.date.today().year
    return DemoContext(
        rng=random.Random(seed),
        seed=seed,
        year=year,
        today=datetime.date(year, *AS_OF_MONTH_DAY),
        member_count=members,
        stdout=stdout or sys.stdout,
    )


def run_steps(ctx: DemoContext, steps: list[str] | None = None) -> DemoContext:
    """Run every step of the pipeline (or the given ones) on ``ctx``."""
    for name in steps if steps is not None else STEPS:
        module = importlib.import_module(f"{__name__}.{name}")
        module.build(ctx)
    return ctx
