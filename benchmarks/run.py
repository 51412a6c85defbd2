"""Run every benchmark against a freshly seeded throwaway database and print the figures.

    python -m benchmarks.run [--members 8800] [--seed 2026] [--only lists]

Without ``DATABASE_URL`` the database is a temporary SQLite file (WAL, as in
production); with it, a ``test_<name>`` database is created on that server and
dropped afterwards.
"""

from __future__ import annotations

import argparse
import importlib
import os
import platform
import sys
import tempfile
import time
import warnings
from pathlib import Path
from typing import TextIO

from benchmarks import BenchContext, Figure

BENCH_DIR = Path(__file__).resolve().parent


def bench_modules(only: str | None) -> list[str]:
    names = sorted(p.stem for p in BENCH_DIR.glob("bench_*.py"))
    if only:
        names = [n for n in names if only in n]
    return names


def print_table(figures: list[Figure], out: TextIO = sys.stdout) -> None:
    from partyorg.management.commands.demo_logins import pad, width

    header = ("基准", "指标", "数值", "单位", "说明")
    rows = [
        (f.bench, f.metric, f"{f.value:.2f}" if isinstance(f.value, float) else str(f.value), f.unit, f.note)
        for f in figures
    ]
    widths = [max(width(r[i]) for r in (header, *rows)) for i in range(4)]
    for row in (header, *rows):
        cells = [
            pad(c, widths[i]) if i != 2 else " " * (widths[i] - width(c)) + c for i, c in enumerate(row[:4])
        ]
        out.write("  ".join([*cells, row[4]]).rstrip() + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="partyorg 基准测试")
    parser.add_argument("--members", type=int, default=8800, help="演示县党员人数（默认8800）")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--only", default=None, help="只运行名称包含该字符串的基准，如 lists")
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partyorg.settings")
    sys.path.insert(0, str(BENCH_DIR.parent))
    tmpdir = Path(tempfile.mkdtemp(prefix="partyorg-bench-"))

    import django

    # whitenoise warns that STATIC_ROOT is missing; pages are served without collectstatic here.
    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
    django.setup()
    from django.db import connection, transaction
    from django.test.utils import override_settings, setup_test_environment

    from partyorg.demo import STEPS, make_context, step

    if connection.vendor == "sqlite":
        connection.settings_dict["TEST"]["NAME"] = str(tmpdir / "bench.sqlite3")
    setup_test_environment()  # allows django.test.Client's "testserver" host
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        # Pages render {% static %} without a collectstatic manifest.
        with override_settings(
            STORAGES={
                "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
                "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
            }
        ):
            demo = make_context(seed=args.seed, members=args.members, stdout=open(os.devnull, "w"))  # noqa: SIM115
            ctx = BenchContext(demo=demo, tmpdir=tmpdir, vendor=connection.vendor)
            print(
                f"partyorg 基准：{connection.vendor}，Python {platform.python_version()}，"
                f"{os.cpu_count()}核，党员{args.members}名，种子{args.seed}",
                flush=True,
            )
            started = time.perf_counter()
            with transaction.atomic():
                for name in STEPS:
                    step_start = time.perf_counter()
                    step(name)(demo)
                    ctx.step_seconds[name] = time.perf_counter() - step_start
            ctx.seed_seconds = time.perf_counter() - started
            for name in bench_modules(args.only):
                ctx.current = name.removeprefix("bench_")
                print(f"… {name}", flush=True)
                importlib.import_module(f"benchmarks.{name}").run(ctx)
            print()
            print_table(ctx.figures)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
