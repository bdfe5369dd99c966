"""Real Redis and PostgreSQL+pgvector for tests: env URLs, else Docker, else embedded wheels."""

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

REDIS_IMAGE = "redis:7"
POSTGRES_IMAGE = "pgvector/pgvector:pg17"


EMBEDDED: dict[str, object] = {}
"""The embedded servers this session started (`redis`, `postgres`), for fault tests."""


class ServersUnavailable(RuntimeError):
    """No URL given, no Docker engine, and the embedded servers cannot run here."""


def docker_available(timeout: float = 2.0) -> bool:
    """Whether a Docker engine answers a ping within timeout seconds."""
    try:
        import docker

        client = docker.from_env(timeout=timeout)
    except Exception:  # no SDK, no socket, bad DOCKER_HOST: all mean "no engine"
        return False
    try:
        return bool(client.ping())
    except Exception:
        return False
    finally:
        client.close()


def _embedded_or_raise() -> None:
    from rehearse.cli.embedded import unavailable_reason

    reason = unavailable_reason()
    if reason:
        raise ServersUnavailable(f"set REDIS_URL/DATABASE_URL or start Docker: {reason}")


@contextlib.contextmanager
def redis_server(tmp: Path, use_docker: bool | None = None) -> Iterator[str]:
    """Yield a Redis URL: $REDIS_URL, a redis:7 container, or an embedded redis-server."""
    if os.environ.get("REDIS_URL"):
        yield os.environ["REDIS_URL"]
    elif docker_available() if use_docker is None else use_docker:
        from testcontainers.community.redis import RedisContainer

        with RedisContainer(REDIS_IMAGE) as container:
            host, port = container.get_container_host_ip(), container.get_exposed_port(6379)
            yield f"redis://{host}:{port}/0"
    else:
        _embedded_or_raise()
        from rehearse.cli.embedded import EmbeddedRedis

        server = EmbeddedRedis(Path(tmp) / "redis")
        with server as url:
            EMBEDDED["redis"] = server
            yield url


@contextlib.contextmanager
def postgres_server(tmp: Path, use_docker: bool | None = None) -> Iterator[str]:
    """Yield a PostgreSQL+pgvector URL: $DATABASE_URL, a pgvector container, or embedded."""
    if os.environ.get("DATABASE_URL"):
        yield os.environ["DATABASE_URL"]
    elif docker_available() if use_docker is None else use_docker:
        from testcontainers.community.postgres import PostgresContainer

        image = PostgresContainer(POSTGRES_IMAGE, dbname="rehearse", driver=None)
        with image as container:
            yield container.get_connection_url()
    else:
        _embedded_or_raise()
        from rehearse.cli.embedded import EmbeddedPostgres

        server = EmbeddedPostgres(Path(tmp) / "postgres", ephemeral=True)
        with server as url:
            EMBEDDED["postgres"] = server
            yield url


@contextlib.contextmanager
def services(tmp: Path) -> Iterator[tuple[str, str]]:
    """Yield (redis_url, database_url), stopping whatever was started on exit."""
    need = not (os.environ.get("REDIS_URL") and os.environ.get("DATABASE_URL"))
    use_docker = docker_available() if need else False  # ping once, not per server
    with (
        redis_server(tmp, use_docker) as redis_url,
        postgres_server(tmp, use_docker) as database_url,
    ):
        yield redis_url, database_url
