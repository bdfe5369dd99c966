"""The `rehearse` command."""

import argparse
import socket
import sys
from pathlib import Path

from rehearse.base.settings import get_settings
from rehearse.cli.invite_cli import add_parser as add_invite_parser
from rehearse.cli.keys_cli import add_parser as add_keys_parser
from rehearse.cli.models_pull import PROFILE_NAMES
from rehearse.cli.quiet import QUIET_HELP, quiet_start_up


def cmd_migrate(args: argparse.Namespace) -> int:
    from rehearse.storage.migrate import migrate

    applied = migrate(get_settings().database_url)
    print(f"applied {len(applied)} migration(s)" + (f": {', '.join(applied)}" if applied else ""))
    return 0


def cmd_api(args: argparse.Namespace) -> int:
    import uvicorn

    settings = get_settings()
    if args.quiet:
        quiet_start_up()
    uvicorn.run(
        "rehearse.api.app:create_app",
        factory=True,
        host=args.host or settings.api_host,
        port=args.port or settings.api_port,
        log_config=None,  # keep configure_logging's handler: redaction, text or JSON
        log_level="info",
        proxy_headers=True,
        access_log=settings.access_log,
        ws_ping_interval=settings.stream_keepalive_s,  # the WebSocket's keep-alive
    )
    return 0


WORKER_INCLUDES = {
    "gpu": "rehearse.workers.gpu.startup,rehearse.workers.gpu.live_segments",
    "cpu": "rehearse.workers.cpu.startup,rehearse.workers.cpu.tasks",
}
"""What each worker kind adds to the app's includes (the step tasks come from the table)."""


def cmd_worker(args: argparse.Namespace) -> int:
    from rehearse.base.log_config import take_over_celery_logging
    from rehearse.contracts.job_kinds import POOLS
    from rehearse.runtime.celery_app import celery_app

    settings = get_settings()
    take_over_celery_logging(settings.log_format)
    name = settings.worker_name or f"{args.kind}@{socket.gethostname()}"
    if args.kind == "gpu":
        # CUDA is not fork-safe and the card holds one heavy model: one process, one job.
        pool = ["--pool=solo", "--concurrency=1"]
    else:
        pool = ["--pool=prefork", f"--concurrency={settings.cpu_concurrency}"]
    argv = [
        "worker",
        # Named, not imported: the worker loads its start-up (and own tasks) as app includes.
        f"--include={WORKER_INCLUDES[args.kind]}",
        "-Q",
        ",".join(
            POOLS[args.kind]
        ),  # gpu: one queue per model (see rehearse.workers.gpu.scheduling)
        "-n",
        name,
        *pool,
        "--loglevel=INFO",
        "--without-gossip",
        "--without-mingle",
    ]
    if args.quiet:
        quiet_start_up()
    if args.quiet or settings.log_format == "json":
        argv.insert(0, "--quiet")  # the start-up banner is not a log record
    celery_app.worker_main(argv)
    return 0


def cmd_models_synthetic(args: argparse.Namespace) -> int:
    from rehearse.cli.synthetic import write_models

    env = write_models(Path(args.dir))
    print(f"synthetic models written to {args.dir}; use them with:")
    for key, value in env.items():
        print(f"  {key}={value}")
    return 0


def cmd_models_pull(args: argparse.Namespace) -> int:
    from rehearse.cli.models_pull import pull

    return pull(args.profile, Path(args.dir) if args.dir else get_settings().models_dir)


def cmd_models_plan(args: argparse.Namespace) -> int:
    from rehearse.cli.models_plan import plan_lines

    print("\n".join(plan_lines(get_settings())))
    return 0


def cmd_dev(args: argparse.Namespace) -> int:
    from rehearse.cli.dev import run_dev

    return run_dev(
        port=args.port,
        models=args.models,
        data_dir=Path(args.data_dir),
        pull_profile=args.pull,
        gpu_workers=args.gpu_workers,
    )


def cmd_demo(args: argparse.Namespace) -> int:
    from rehearse.cli.demo import main as demo

    return demo(args)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="rehearse", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    sub.add_parser("migrate", help="apply database migrations").set_defaults(fn=cmd_migrate)

    add_keys_parser(sub)

    add_invite_parser(sub)

    api = sub.add_parser("api", help="run the HTTP api")
    api.add_argument("--host")
    api.add_argument("--port", type=int)
    api.add_argument("--quiet", action="store_true", help=QUIET_HELP)
    api.set_defaults(fn=cmd_api)

    worker = sub.add_parser("worker", help="run a Celery worker")
    worker.add_argument("kind", choices=["gpu", "cpu"])
    worker.add_argument("--quiet", action="store_true", help=QUIET_HELP)
    worker.set_defaults(fn=cmd_worker)

    models = sub.add_parser("models", help="get model files").add_subparsers(
        dest="action", required=True
    )
    pull = models.add_parser("pull", help="download real models into MODELS_DIR")
    pull.add_argument("--profile", choices=PROFILE_NAMES, default="6gb")
    pull.add_argument("--dir", help="target folder (default MODELS_DIR)")
    pull.set_defaults(fn=cmd_models_pull)
    synth = models.add_parser("synthetic", help="generate tiny random models for tests")
    synth.add_argument("dir")
    synth.set_defaults(fn=cmd_models_synthetic)
    plan = models.add_parser("plan", help="which models stay resident together, and why")
    plan.set_defaults(fn=cmd_models_plan)

    dev = sub.add_parser("dev", help="run the whole stack on this machine without Docker")
    dev.add_argument("--port", type=int, default=8000)
    dev.add_argument(
        "--models",
        help="`synthetic` (generated random models), `tiny` (real small models from PyPI "
        "wheels) or a models folder (default MODELS_DIR)",
    )
    dev.add_argument(
        "--pull", choices=PROFILE_NAMES, help="pull this profile first if the folder has none"
    )
    dev.add_argument("--data-dir", default=".rehearse", help="where dev state is kept")
    dev.add_argument(
        "--gpu-workers",
        type=int,
        default=1,
        choices=range(1, 9),
        metavar="N",
        help="gpu workers to run, each with its own models (default 1; one per card)",
    )
    dev.set_defaults(fn=cmd_dev)

    demo = sub.add_parser("demo", help="run one interview turn against a running stack")
    demo.add_argument(
        "--url", help="the api (default $REHEARSE_API_URL, else http://127.0.0.1:8000)"
    )
    demo.add_argument(
        "--key", help="an API key (default $REHEARSE_API_KEY; `rehearse dev` prints one)"
    )
    demo.add_argument("--answer", help="an audio answer (default: a bundled Korean sample)")
    demo.add_argument(
        "--out", default=".", help="file for the spoken next question, or an existing folder"
    )
    demo.add_argument("--language", choices=["ko", "en"], default="ko")
    demo.add_argument("--timeout", type=float, default=600)
    demo.set_defaults(fn=cmd_demo)
    return parser


def main(argv: list[str] | None = None) -> int:
    from rehearse.base.log_config import configure_logging

    args = build_parser().parse_args(argv)
    # A service's stray output becomes log records; a command's prints stay prints.
    configure_logging(get_settings().log_format, capture_stray=args.fn in (cmd_api, cmd_worker))
    return args.fn(args)


if __name__ == "__main__":
    sys.exit(main())
