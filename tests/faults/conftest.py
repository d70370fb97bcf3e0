"""Real processes for the fault tests: workers, and throwaway Redis and PostgreSQL servers of
their own (never the shared ones on 6379 and 5432, which the rest of the suite uses).

The waits poll for a condition (Worker.wait_for); none sleeps a fixed time as its logic.
"""

import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest
from django.db import connection

from tests.conftest import Worker, start_worker

PG_BIN = Path("/usr/lib/postgresql/15/bin")


def on_postgres() -> bool:
    return connection.vendor == "postgresql"


needs_postgres_and_redis = pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").split(":")[0] not in ("postgres", "postgresql")
    or not os.environ.get("CELERY_BROKER_URL", "").startswith("redis://"),
    reason="fault tests run real PostgreSQL and Redis processes (CI runs them on both)",
)


def database_url() -> str:
    """The test database's URL, for a process of our own (the workers' fixture has the same)."""
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(predicate, *, timeout: float = 60, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(f"Timed out waiting for {what}")


def pool_children(worker: Worker) -> list[int]:
    """The prefork pool processes of a worker (the ones that run tasks)."""
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == worker.process.pid:
            children.append(int(stat.parent.name))
    return children


def kill_pool_child(pid: int) -> None:
    """SIGKILL the process running the task, as the kernel's OOM killer would; the worker's
    main process sees it lost (WorkerLostError) and, acks_late + reject_on_worker_lost,
    gives the message back to the broker."""
    os.kill(pid, signal.SIGKILL)


def paused_worker(tmp_path: Path, *, at: str, env: dict | None = None) -> tuple[Worker, Path]:
    marker = tmp_path / f"paused-{time.monotonic_ns()}"
    worker = start_worker(
        tmp_path,
        extra_args=("--include", "tests.faults.hooks"),
        env={"FAULT_PAUSE_AT": at, "FAULT_MARKER": str(marker), **(env or {})},
    )
    return worker, marker


class PrivateRedis:
    def __init__(self, root: Path):
        self.port, self.dir = free_port(), root / "redis"
        self.dir.mkdir()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        # appendonly: what production runs (a restart loses no queued message).
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--dir",
                str(self.dir),
                "--appendonly",
                "yes",
                "--appendfsync",
                "always",
                "--save",
                "",
            ],
            stdout=(self.dir / "redis.log").open("a"),
            stderr=subprocess.STDOUT,
        )
        wait_until(self.answers, what="the private Redis to answer")

    def answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as s:
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)

    def restart(self) -> None:
        self.stop()
        assert not self.answers()
        self.start()


@pytest.fixture
def private_redis(tmp_path):
    redis = PrivateRedis(tmp_path)
    redis.start()
    yield redis
    redis.stop()


class PrivatePostgres:
    """A throwaway cluster under /tmp, run as the postgres OS user on a free port."""

    def __init__(self, root: Path):
        self.port = free_port()
        self.root = Path(f"/tmp/f18-pg-{self.port}")
        self.data = self.root / "data"
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/privacyops"

    def _as_postgres(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(
            ["runuser", "-u", "postgres", "--", *args], check=check, capture_output=True, text=True
        )

    def create(self) -> None:
        self.root.mkdir(mode=0o700)
        shutil.chown(self.root, "postgres", "postgres")
        self._as_postgres(
            str(PG_BIN / "initdb"),
            "-D",
            str(self.data),
            "-A",
            "trust",
            "-U",
            "postgres",
            "-E",
            "UTF8",
            "--no-sync",
        )
        self.start()

    def start(self) -> None:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.root} -c fsync=off"
        self._as_postgres(
            str(PG_BIN / "pg_ctl"),
            "-D",
            str(self.data),
            "-o",
            options,
            "-l",
            str(self.root / "postgres.log"),
            "-w",
            "start",
        )

    def restart(self) -> None:
        """An immediate stop (what a crash or a failover does: open transactions abort, no
        clean shutdown) and a start."""
        self._as_postgres(
            str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop"
        )
        self.start()

    def destroy(self) -> None:
        self._as_postgres(
            str(PG_BIN / "pg_ctl"),
            "-D",
            str(self.data),
            "-m",
            "immediate",
            "-w",
            "stop",
            check=False,
        )
        shutil.rmtree(self.root, ignore_errors=True)

    def copy_database_from(self, dump: Path) -> None:
        where = ["-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres"]
        subprocess.run(["createdb", *where, "-T", "template0", "privacyops"], check=True)
        subprocess.run(
            ["pg_restore", *where, "--no-owner", "--exit-on-error", "-d", "privacyops", str(dump)],
            check=True,
            capture_output=True,
        )

    def sql(self, query: str, *params):
        import psycopg

        with psycopg.connect(self.url.replace("postgres://", "postgresql://")) as conn:
            return conn.execute(query, params).fetchall()


@pytest.fixture
def private_postgres(tmp_path):
    cluster = PrivatePostgres(tmp_path)
    cluster.create()
    yield cluster
    cluster.destroy()


def dump_test_database(path: Path) -> None:
    db = connection.settings_dict
    where = ["-h", db["HOST"] or "127.0.0.1", "-p", str(db["PORT"] or 5432), "-U", db["USER"]]
    subprocess.run(
        ["pg_dump", *where, "-Fc", "--no-owner", "-d", db["NAME"], "-f", str(path)],
        check=True,
        env={**os.environ, "PGPASSWORD": db["PASSWORD"] or ""},
    )
