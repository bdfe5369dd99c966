"""One worker start ("boot") and each of its processes' report: models loaded, or why not.

Celery announces a prefork worker ready before its pool children have run
`worker_process_init`, where they load their models. So the parent names its boot in the
environment before forking, each process reports into Redis under that name once it has
loaded (or failed to), and the presence beat counts the reports (see `rehearse.fleet.presence`).
"""

import logging
import os
import uuid

import redis

from rehearse.base import redis_keys
from rehearse.base.redis_client import sync_client
from rehearse.base.settings import get_settings

log = logging.getLogger(__name__)

BOOT_ENV = "REHEARSE_WORKER_BOOT"
QUEUES_ENV = "REHEARSE_WORKER_QUEUES"
KEY_TTL_S = 3600
"""Boot keys outlive a dead worker this long; the beat of a live one keeps renewing them."""


def begin(queues: list[str]) -> str:
    """In the worker's parent, before any fork: a new boot id, for every process to inherit."""
    boot_id = uuid.uuid4().hex
    os.environ[BOOT_ENV] = boot_id
    os.environ[QUEUES_ENV] = ",".join(queues)
    return boot_id


def report(error: str | None = None) -> None:
    """This process has loaded its models (`error` None) or could not, for this reason."""
    boot_id = os.environ.get(BOOT_ENV)
    if not boot_id:  # not under a worker started by `rehearse worker`: nobody counts
        return
    pid = str(os.getpid())
    try:
        with sync_client(get_settings().redis_url) as client:
            pipe = client.pipeline()
            if error is None:
                pipe.sadd(redis_keys.worker_boot_loaded(boot_id), pid)
            else:
                pipe.hset(redis_keys.worker_boot_errors(boot_id), pid, error)
            renew(pipe, boot_id)
            pipe.execute()
    except redis.RedisError:
        # The worker then stays "starting" in /readyz, which is what an operator should see.
        log.warning("could not report this process's model load", exc_info=True)


def renew(client: redis.Redis, boot_id: str) -> None:
    """Keep one boot's keys alive another KEY_TTL_S."""
    client.expire(redis_keys.worker_boot_loaded(boot_id), KEY_TTL_S)
    client.expire(redis_keys.worker_boot_errors(boot_id), KEY_TTL_S)


def progress(client: redis.Redis, boot_id: str) -> tuple[set[str], dict[str, str]]:
    """(pids of the processes loaded, {pid: reason} of those that failed) for one boot."""
    pipe = client.pipeline()
    pipe.smembers(redis_keys.worker_boot_loaded(boot_id))
    pipe.hgetall(redis_keys.worker_boot_errors(boot_id))
    loaded, errors = pipe.execute()
    return {_text(pid) for pid in loaded}, {_text(k): _text(v) for k, v in errors.items()}


def restore(client: redis.Redis, boot_id: str, loaded: set[str], errors: dict[str, str]) -> None:
    """Write back reports Redis lost (it restarted empty): the processes reported once and
    will not again, and without them the worker would stay `starting` for good."""
    pipe = client.pipeline()
    if loaded:
        pipe.sadd(redis_keys.worker_boot_loaded(boot_id), *loaded)
    if errors:
        pipe.hset(redis_keys.worker_boot_errors(boot_id), mapping=errors)
    renew(pipe, boot_id)
    pipe.execute()


def forget(client: redis.Redis, boot_id: str) -> None:
    """Drop one boot's keys (the worker is stopping)."""
    client.delete(redis_keys.worker_boot_loaded(boot_id), redis_keys.worker_boot_errors(boot_id))


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
