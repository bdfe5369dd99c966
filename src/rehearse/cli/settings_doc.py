"""Print `.env.example` from the settings class: one commented line per setting."""

from rehearse.base.settings import Settings

# Read by docker-compose.yml only (interpolation), never by the services.
COMPOSE_SECTION = """\
# ------------------------------------------------------------------------------------------------
# Docker Compose only: docker-compose.yml reads these; the services do not. Under Compose,
# DATABASE_URL and REDIS_URL above are ignored: they are built from the values below.

# Password of the PostgreSQL role the stack creates (required; URL-safe: `openssl rand -hex 24`).
POSTGRES_PASSWORD=

# PostgreSQL role the stack creates and connects as.
POSTGRES_USER=rehearse

# PostgreSQL database the stack creates and uses.
POSTGRES_DB=rehearse

# Host the services reach PostgreSQL at: `postgres`, or the first host's address on another host.
POSTGRES_HOST=postgres

# Port the services reach PostgreSQL at.
POSTGRES_PORT=5432

# Password Redis requires (required; URL-safe: `openssl rand -hex 24`).
REDIS_PASSWORD=

# Host the services reach Redis at: `redis`, or the first host's address on another host.
REDIS_HOST=redis

# Port the services reach Redis at.
REDIS_PORT=6379

# Memory Redis may use; when full it refuses new jobs (noeviction) rather than drop queued ones.
REDIS_MAXMEMORY=1gb

# Host address API_PORT is published on (127.0.0.1 behind a reverse proxy on the same host).
API_BIND=0.0.0.0

# Node name of the gpu worker; empty: gpu@<container hostname>. A fixed one (different on every
# GPU host) also survives re-creation, so the job a worker died in re-runs at once.
GPU_WORKER_NAME=

# cpu worker containers (`docker compose up -d --scale cpu_worker=N` overrides it until next up).
CPU_WORKERS=1

# Models: the volume `models`, or an absolute host folder (owned by uid 10001), at MODELS_DIR.
MODELS_VOLUME=models

# What `docker compose --profile models run --rm models` downloads: `6gb` or `small`.
MODELS_PROFILE=6gb

# CUDA architectures llama.cpp is built for in the gpu worker image (`75` alone for a GTX 1660).
CUDA_ARCHITECTURES=61;75;80;86;89;90

# Image names Compose builds or pulls: <prefix>/api, <prefix>/gpu-worker, <prefix>/cpu-worker.
REHEARSE_IMAGE_PREFIX=rehearse

# Tag of those images.
REHEARSE_IMAGE_TAG=local

# Host address Flower (profile `monitoring`) is published on.
FLOWER_BIND=127.0.0.1

# Host port of Flower.
FLOWER_PORT=5555

# `user:password` Flower asks for (empty: none; then keep FLOWER_BIND on 127.0.0.1).
FLOWER_BASIC_AUTH=

# Host address Prometheus and Grafana (profile `observability`) are published on.
OBSERVABILITY_BIND=127.0.0.1

# Host port of Prometheus.
PROMETHEUS_PORT=9090

# Host port of Grafana (dashboard "rehearse"; anonymous viewers, admin below).
GRAFANA_PORT=3000

# Password of Grafana's `admin` user (keep OBSERVABILITY_BIND on 127.0.0.1 with the default).
GRAFANA_ADMIN_PASSWORD=admin
"""


def render() -> str:
    """Every setting with its description and default, as an env file; then Compose's own."""
    lines = ["# rehearse settings: copy to .env and adjust. Every setting has a sane default.", ""]
    for name, field in Settings.model_fields.items():
        default = field.default
        if isinstance(default, bool):
            default = str(default).lower()
        lines.append(f"# {field.description}")
        lines.append(f"{name.upper()}={default}")
        lines.append("")
    return "\n".join(lines) + COMPOSE_SECTION


if __name__ == "__main__":
    print(render(), end="")
