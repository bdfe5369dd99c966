"""`rehearse models plan`: which models the gpu worker keeps resident together, and why."""

from rehearse.base.settings import Settings
from rehearse.engines.catalog import LLM, SPEECH, WHISPER, build_residency, pinned_names, sizes_book
from rehearse.engines.residency import Residency

SOURCES = {
    "measured": "measured",
    "remembered": "measured at an earlier load",
    "estimated": "estimated from its files (not measured yet)",
    "fixed": "fixed by setting",
}
BUDGET_SETTINGS = {"cuda": "GPU_MEMORY_BUDGET_MB", "cpu": "CPU_MEMORY_BUDGET_MB"}


def _verdict(res: Residency, device: str, names: list[str], settings: Settings) -> str:
    sizes = [res.estimate_mb(n) for n in names]
    total, budget = sum(sizes), res.budgets[device]
    together = " + ".join(names)
    if len(names) < 2:
        return f"{together} alone on {device} ({total:.0f} of {budget:.0f} MiB): nothing to swap."
    if total <= budget:
        return (
            f"{together} fit together on {device} ({total:.0f} of {budget:.0f} MiB): "
            "all stay resident, no swaps."
        )
    return (
        f"{together} do not fit together on {device} ({total:.0f} > {budget:.0f} MiB): each "
        f"switch between them is a load; the gpu worker batches jobs by model and swaps when "
        f"a job for another model has waited over MAX_SWAP_WAIT_S ({settings.max_swap_wait_s:g} s)."
    )


def _order(settings: Settings) -> str:
    """How the worker orders the jobs waiting on the queues it takes (contracts.priority)."""
    if not settings.priorities:
        return "jobs are taken in arrival order on each queue (PRIORITIES=false)."
    ages = [
        f"{name} after {seconds:g} s" if seconds else f"{name} never"
        for name, seconds in (
            ("interactive", settings.interactive_aging_s),
            ("batch", settings.batch_aging_s),
        )
    ]
    return (
        "jobs are taken by class across the queues taken without a swap: live (interview "
        "steps) first, then interactive, then batch, fairly across owners within a class; a "
        f"job waiting past its bound goes to the front ({', '.join(ages)})."
    )


def plan_lines(settings: Settings) -> list[str]:
    """The plan as printed lines: budgets, each model's size and its source, the verdict."""
    res = build_residency(settings, [WHISPER, LLM, SPEECH])
    lines = [f"sizes remembered in {sizes_book(settings).path}"]
    for device, budget in res.budgets.items():
        same = device == "cpu" and not settings.cpu_memory_budget_mb
        note = " 0: the GPU figure" if same else ""
        lines.append(f"budget {device}: {budget:.0f} MiB ({BUDGET_SETTINGS[device]}{note})")
    lines.append(f"{'model':8} {'device':6} {'MiB':>8}  size")
    pinned = set(pinned_names(settings))
    for name, spec in res.specs.items():
        source = "uses no GPU memory" if name == SPEECH else SOURCES[res.size_source(name)]
        pin = ", pinned" if name in pinned else ""
        lines.append(f"{name:8} {spec.device:6} {res.estimate_mb(name):8.1f}  {source}{pin}")
    for device in res.budgets:
        names = [n for n in (WHISPER, LLM) if n in res.specs and res.specs[n].device == device]
        if names:
            lines.append(_verdict(res, device, names, settings))
    lines.append(_order(settings))
    return lines
