"""Where Prometheus finds each worker process: the `host:port` targets a worker announces in
its presence, which the api serves as HTTP service discovery (`GET /metrics/targets`).

Prometheus runs in another container or on another host, so a target names an address it can
reach: METRICS_HOST when set, else this host's address on the network it reaches Redis through
(the network Prometheus shares with the workers in Compose, and across hosts).
"""

import socket
from urllib.parse import urlsplit

from rehearse.base.settings import Settings

REDIS_PORT = 6379


def _routed_address(host: str, port: int) -> str:
    """The local address this host would send from to reach `host` (no packet is sent)."""
    family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_DGRAM)[0]
    with socket.socket(family, kind, proto) as sock:
        sock.connect(address)  # UDP: only picks the route and its source address
        return sock.getsockname()[0]


def metrics_host(settings: Settings) -> str:
    """METRICS_HOST, else the address routed to Redis, else the host name (a Unix socket)."""
    if settings.metrics_host:
        return settings.metrics_host
    redis = urlsplit(settings.redis_url)
    if redis.hostname:
        try:
            return _routed_address(redis.hostname, redis.port or REDIS_PORT)
        except OSError:  # Redis's name does not resolve (yet): the next beat asks again
            pass
    return socket.gethostname()


def worker_targets(settings: Settings, processes: int) -> list[str]:
    """`host:port` of each pool process's metrics (METRICS_PORT + N); none when off."""
    if not settings.metrics_port:
        return []
    host = metrics_host(settings)
    if ":" in host and not host.startswith("["):  # an IPv6 address, not yet in brackets
        host = f"[{host}]"
    return [f"{host}:{settings.metrics_port + index}" for index in range(processes)]
