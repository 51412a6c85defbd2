"""The demo's development data is deterministic: the same seed gives the same pipeline.

Kept apart from test_development_demo.py, whose county lives in a module-wide transaction.
"""

from __future__ import annotations

import io

import pytest
from django.db import transaction

from members.models import Applicant, DevelopmentStep
from partyorg.demo import make_context, run_steps

pytestmark = pytest.mark.django_db
YEAR = 2025


def _seeded(seed: int) -> tuple[list, list]:
    with transaction.atomic():
        run_steps(make_context(seed=seed, year=YEAR, members=300, stdout=io.StringIO()))
        result = (
            # sorted here: the ID column holds ciphertext (core.fieldcrypto), ordering by it is random
            sorted(Applicant.objects.values_list("id_number", "name", "withdrawn_on")),
            sorted(DevelopmentStep.objects.values_list("applicant__id_number", "number", "day")),
        )
        transaction.set_rollback(True)
    return result


def test_the_same_seed_gives_the_same_pipeline():
    assert _seeded(5) == _seeded(5)
