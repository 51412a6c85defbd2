"""The training app's demo steps: a year of education and organizational life in the demo county.

Shaped like the reference: one county session of about 495 attendances, 39
committee sessions (about 2,222 attendances), monthly branch sessions,
leading cadres' party lectures, 55 sets of AV equipment delivered this year
from 60,000 元 of retained dues (coverage of all township committees and
village branches), films ordered and handed out, 三会一课 and 主题党日 records
with some branches behind, the 党员活动日 pilot of 各甫村 and 睦伦村,
publication subscriptions.  Rows are written with ``bulk_create``
(generated data, no audit rows); every random choice comes from ``ctx.rng``.
"""

from __future__ import annotations

from core.demo import DemoStep

from . import av, lectures, meetings, sessions

#: Run in this order by the pipeline (``partyorg.demo``), after the members' steps.
STEPS: list[DemoStep] = [
    ("training", sessions.build),
    ("lectures", lectures.build),
    ("av", av.build),
    ("meetings", meetings.build),
]
