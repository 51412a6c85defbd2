"""The load test's run: a fresh database, gunicorn on 127.0.0.1, the users, the check, within the budget."""

from __future__ import annotations

import argparse
import base64
import http.client
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from .check import setup, verify
from .driver import drive
from .report import DOC, markdown, summary, write_doc

ROOT = Path(__file__).resolve().parents[2]
#: Seconds kept after the clicking: the last requests (driver.REQUEST_TIMEOUT), stopping gunicorn, the check.
STOP_MARGIN = 35
PYTHON = sys.executable
GUNICORN = str(Path(PYTHON).parent / "gunicorn")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def production_env(tmp: Path) -> dict[str, str]:
    """Production settings for plain HTTP on loopback, with fresh secrets, in ``tmp``."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env.update(
        DJANGO_SETTINGS_MODULE="benchmarks.loadtest.settings",  # production, cheaper password hashes
        DATABASE_URL=f"sqlite:///{tmp / 'loadtest.sqlite3'}",
        DEBUG="False",
        SECRET_KEY=secrets.token_urlsafe(50),
        FIELD_ENCRYPTION_KEYS=base64.urlsafe_b64encode(os.urandom(32)).decode(),
        ALLOWED_HOSTS="127.0.0.1",
        MEDIA_ROOT=str(tmp / "media"),
        LOG_LEVEL="WARNING",
        # Loopback is plain HTTP: HTTPS redirects, HSTS and secure-only cookies stay off.
        SECURE_SSL_REDIRECT="False",
        SECURE_COOKIES="False",
        SECURE_HSTS_SECONDS="0",
        PYTHONUNBUFFERED="1",
    )
    return env


def manage(env: dict[str, str], *args: str, timeout: float) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, timeout=timeout)


def in_django(env: dict[str, str], command: str, payload: dict[str, Any], timeout: float) -> dict[str, Any]:
    """Run :func:`setup` or :func:`verify` in a subprocess with the run's environment."""
    done = subprocess.run(
        [PYTHON, "-m", "benchmarks.loadtest", command],
        cwd=ROOT,
        env=env,
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if done.returncode != 0:
        sys.stderr.write(done.stderr)
        raise RuntimeError(f"负载测试的 {command} 步骤失败")
    return json.loads(done.stdout)


def _stop_with_parent() -> None:
    """In the child, before gunicorn starts (Linux): SIGTERM when this run dies, even by SIGKILL.

    ``stop`` ends gunicorn whenever the run ends normally or by SIGTERM; this
    covers the rest (``timeout -k`` killing it), so no server outlives the run.
    """
    if sys.platform.startswith("linux"):
        import ctypes

        PR_SET_PDEATHSIG = 1
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def start_gunicorn(env: dict[str, str], port: int, log: Path) -> subprocess.Popen:
    """gunicorn in its own process group (so stopping it stops its workers), on 127.0.0.1 only."""
    return subprocess.Popen(
        [
            GUNICORN,
            "partyorg.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--timeout",
            "60",
            "--graceful-timeout",
            "5",
            "--error-logfile",
            str(log),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
        preexec_fn=_stop_with_parent,
        # Django's own log (a 500's traceback, a 503) goes to the workers' stderr.
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
    )


def stop(process: subprocess.Popen) -> None:
    """Stop gunicorn and its workers (its process group, by the id we started it with)."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(8)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(5)
    except ProcessLookupError:
        pass


def wait_until_up(port: int, process: subprocess.Popen, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("gunicorn 未能启动")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/login/", headers={"Host": f"127.0.0.1:{port}"})
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("gunicorn 在限定时间内没有响应")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="partyorg 负载测试（gunicorn，仅 127.0.0.1）")
    parser.add_argument("command", nargs="?", choices=["run", "setup", "verify"], default="run")
    parser.add_argument("--seconds", type=float, default=90, help="点击阶段的秒数（默认90）")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--members", type=int, default=3000, help="演示县党员人数（默认3000）")
    parser.add_argument("--budget", type=float, default=170, help="整个运行的上限秒数（默认170）")
    parser.add_argument("--write-doc", action="store_true", help="把结果写入 docs/benchmarks.md")
    args = parser.parse_args(argv)
    if args.command in ("setup", "verify"):
        import django

        django.setup()
        payload = json.load(sys.stdin)
        if args.command == "setup":
            print(json.dumps(setup(payload["users"])))
        else:
            print(json.dumps(verify(payload["plan"], payload["results"])))
        return 0

    started = time.monotonic()
    # `timeout` (make loadtest) ends a run that overstays with SIGTERM: leave through the finally
    # blocks, so gunicorn and its workers are stopped and the temporary directory removed.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))

    def left() -> float:
        return args.budget - (time.monotonic() - started)

    with tempfile.TemporaryDirectory(prefix="partyorg-loadtest-") as name:
        tmp = Path(name)
        env = production_env(tmp)
        print(f"负载测试：临时目录 {tmp}", flush=True)
        # collectstatic (the production static storage's manifest) beside the migrations: it needs no database.
        statics = subprocess.Popen(
            [PYTHON, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, env=env
        )
        try:
            manage(env, "migrate", "--noinput", "-v", "0", timeout=left())
            manage(env, "seed_demo", "--members", str(args.members), timeout=left())
            if statics.wait(timeout=left()) != 0:
                raise RuntimeError("collectstatic 失败")
        finally:
            if statics.poll() is None:
                statics.kill()
        plan = in_django(env, "setup", {"users": args.users}, timeout=left())
        print(f"准备用时 {time.monotonic() - started:.0f} 秒", flush=True)
        port = free_port()
        log = tmp / "gunicorn.log"
        server = start_gunicorn(env, port, log)
        log_checked = 0
        try:
            wait_until_up(port, server, min(30, left()))
            print(f"gunicorn 127.0.0.1:{port}，{len(plan['users'])} 名用户登录 …", flush=True)

            def click_seconds() -> float:
                # What is left of the budget, less a margin for the last clicks, stopping and checking.
                seconds = max(5.0, min(args.seconds, left() - STOP_MARGIN))
                print(f"点击 {seconds:.0f} 秒 …", flush=True)
                return seconds

            tally, login_seconds, seconds = drive(plan, port, click_seconds)
            # What gunicorn says while stopping (workers sent SIGTERM) is no error: read only up to here.
            log_checked = log.stat().st_size
        finally:
            stop(server)
        results = {"accepted": tally.accepted, "refused": tally.refused}
        verdict = in_django(env, "verify", {"plan": plan, "results": results}, timeout=max(10, left()))
        server_log = log.read_bytes()[:log_checked].decode("utf-8", "replace") if log.exists() else ""

    rows = summary(tally)
    text = markdown(
        rows,
        users=len(plan["users"]),
        seconds=seconds,
        members=args.members,
        tally=tally,
        verdict=verdict,
        login_seconds=login_seconds,
    )
    print(text)
    errors = sum(r[5] for r in rows)
    logged_errors = [
        line
        for line in server_log.splitlines()
        if any(
            word in line for word in ("Internal Server Error", "Service Unavailable", "Traceback", "[ERROR]")
        )
    ]
    failed = errors or tally.failures or verdict["problems"] or logged_errors or not tally.accepted
    for failure in tally.failures[:20]:
        print("失败：", failure)
    for line in logged_errors[:20]:
        print("服务器日志：", line)
    if args.write_doc and not failed:
        write_doc(text)
        print(f"已写入 {DOC.relative_to(ROOT)}")
    print(f"负载测试{'未通过' if failed else '通过'}（用时 {time.monotonic() - started:.0f} 秒）")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
