"""The production settings for the load test, with one change: cheaper password hashes.

Django hashes passwords with 1,000,000 PBKDF2 rounds: 0.6–1.9 s of CPU per
log-in on the 2-core machine of docs/benchmarks.md, so 50 log-ins would take
most of the run's 3 minutes on 2 workers.  The load users' (and the demo
users') passwords are hashed with 10,000 rounds instead; the log-in itself
is the real one (the page, its CSRF token, django-axes, a new session).
Everything else is ``partyorg.settings`` as the environment configures it.
"""

from django.contrib.auth.hashers import PBKDF2PasswordHasher

from partyorg.settings import *  # noqa: F403


class LoadTestPBKDF2PasswordHasher(PBKDF2PasswordHasher):
    """PBKDF2-SHA256 with 10,000 rounds (the load test only)."""

    iterations = 10_000


PASSWORD_HASHERS = ["benchmarks.loadtest.settings.LoadTestPBKDF2PasswordHasher"]
