"""``make loadtest``: 50 users against gunicorn on 127.0.0.1, bounded, with a lost-update check at the end.

    python -m benchmarks.loadtest [--seconds 90] [--users 50] [--write-doc]

What it does, every step in a fresh temporary directory, never anything else:

1. a fresh SQLite database (WAL, as in production) migrated and seeded with
   ``seed_demo``; ``collectstatic`` for the production static storage;
2. :func:`setup` (in a subprocess with the same environment) creates the run's
   users — county staff, the 新华镇 committee's staff, the secretaries of its
   two demo branches and auditors, each with the role and organization that
   makes their scope — and picks the few "hot" members every editor of a
   branch edits at once;
3. gunicorn, 2 sync workers, bound to 127.0.0.1 only, in production settings:
   ``DEBUG=False``, a generated ``SECRET_KEY`` and ID-number key, plain HTTP
   (the secure-cookie and HTTPS settings stay off, as they must on loopback);
   only the password hashes are cheaper (``settings.py`` says why);
4. every user logs in once through the log-in page (its CSRF token, django-axes
   counting), then for ``--seconds`` they click: member lists, pages of it,
   searches, member pages, the organization tree, the 工作台, .xlsx exports —
   and the editors open the member form of a hot member, wait a moment
   (someone else may save meanwhile) and save a new 工作单位 with a marker
   naming user and attempt.  A save is *accepted* (redirect to the member) or
   *refused* as stale (the form again, "您的修改未保存"); anything else counts;
5. gunicorn is stopped (its process group: master and workers), and
   :func:`verify` reads the database: for each hot member, exactly the
   accepted markers are in its audit log, each by the user who saved it, the
   record holds the last one, its version rose by the number accepted, and no
   refused marker was written anywhere.

It fails (exit status 1) on any 5xx answer, any error in gunicorn's log, any
lost or phantom update; it stops by itself: the traffic phase is cut short so
that the whole run stays within ``--budget`` seconds (default 170), and
``make loadtest`` wraps it in ``timeout 180`` as well.  With ``--write-doc``
the p50/p95 per page go into docs/benchmarks.md (between the loadtest markers).

Modules: ``run`` (the steps above, gunicorn, the budget), ``driver`` (the
users' browsers; why not locust), ``check`` (the Django side: users, the
check), ``report`` (the figures).
"""

from .check import setup, verify
from .driver import Browser, Sample, Tally, User, drive, post_form
from .report import markdown, percentile, summary, write_doc
from .run import main

__all__ = [
    "Browser",
    "Sample",
    "Tally",
    "User",
    "drive",
    "main",
    "markdown",
    "percentile",
    "post_form",
    "setup",
    "summary",
    "verify",
    "write_doc",
]
