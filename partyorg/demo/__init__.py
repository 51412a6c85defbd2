"""The demo county: a pipeline that builds a realistic 富宁县-like county from every app's demo steps.

``python manage.py seed_demo`` creates a :class:`~core.demo.DemoContext` and
runs every step in :data:`STEPS`, in order.  The steps live next to their apps:
each installed app may have a ``<app>/demo.py`` module (or ``demo/`` package)
whose ``STEPS`` lists ``(name, build)`` pairs, ``build(ctx: DemoContext) -> None``.
The pipeline takes the apps in ``INSTALLED_APPS`` order (lower layers first:
organizations, members, then dues, training …) and each app's steps in its
own order; a step reads what earlier steps put on the context and adds its own
records.

Adding a step (e.g. ``dues``):

1. write ``dues/demo.py`` with ``def build(ctx: DemoContext) -> None`` and
   ``STEPS = [("dues", build)]``;
2. draw every random choice from ``ctx.rng`` (a ``random.Random(seed)``), take
   "today" from ``ctx.today`` / the year from ``ctx.year`` and iterate lists in a
   fixed order (never over a set or an unordered query), so the same ``--seed``
   gives the same county;
3. prefer ``bulk_create`` for bulk rows (thousands), services for the few
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
from collections.abc import Callable
from typing import TextIO

from django.apps import apps

from core.demo import DemoContext, DemoStep

__all__ = ["AS_OF_MONTH_DAY", "STEPS", "DemoContext", "make_context", "run_steps", "step"]


def discover() -> list[DemoStep]:
    """Every installed app's demo steps, apps in ``INSTALLED_APPS`` order."""
    found: list[DemoStep] = []
    for config in apps.get_app_configs():
        module_name = f"{config.name}.demo"
        if module_name == __name__:
            continue
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name in (module_name, config.name):
                continue  # an app without demo steps
            raise
        found.extend(getattr(module, "STEPS", ()))
    return found


_STEPS: dict[str, Callable[[DemoContext], None]] = dict(discover())

#: The pipeline's step names, in order.
STEPS: list[str] = list(_STEPS)


def step(name: str) -> Callable[[DemoContext], None]:
    """The ``build`` function of the step called ``name``."""
    return _STEPS[name]


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
    """Run every step of the pipeline (or the given ones, in the order given) on ``ctx``."""
    for name in steps if steps is not None else STEPS:
        step(name)(ctx)
    return ctx
