"""Memory: GPU use measured through NVML, the process's RSS on CPU, host heap handed back."""

import contextlib
import ctypes
import gc
import logging
import os

log = logging.getLogger(__name__)


class NvmlMeter:
    """Used memory of one GPU in MiB, read with nvidia-ml-py."""

    def __init__(self, index: int = 0) -> None:
        import pynvml

        pynvml.nvmlInit()
        self._nvml = pynvml
        self._handle = pynvml.nvmlDeviceGetHandleByIndex(index)

    def used_mb(self) -> float:
        return self._nvml.nvmlDeviceGetMemoryInfo(self._handle).used / 2**20

    def total_mb(self) -> float:
        return self._nvml.nvmlDeviceGetMemoryInfo(self._handle).total / 2**20


class RssMeter:
    """This process's resident memory in MiB: what a model loaded on the CPU adds to it."""

    def used_mb(self) -> float:
        gc.collect()
        with open("/proc/self/statm") as statm:  # Linux, as the rest of the stack
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def nvml_meter(device: str) -> NvmlMeter | None:
    """A meter when engines run on CUDA and NVML answers; otherwise None (estimates are used)."""
    if device != "cuda":
        return None
    try:
        return NvmlMeter()
    except Exception as exc:  # no driver, no library, no GPU: all mean "use the estimates"
        log.warning("NVML unavailable (%s); using memory estimates", exc)
        return None


def cuda_available() -> bool:
    """True when CTranslate2 sees a CUDA device (the cheapest check that needs no torch)."""
    try:
        import ctranslate2

        return ctranslate2.get_cuda_device_count() > 0
    except Exception:
        return False


def resolve_device(setting: str) -> str:
    """`auto` becomes `cuda` when a GPU is visible, else `cpu`."""
    if setting == "auto":
        return "cuda" if cuda_available() else "cpu"
    return setting


def release_heap() -> None:
    """Collect garbage and hand freed heap pages back to the OS (glibc keeps them otherwise)."""
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):  # not glibc: nothing to trim
        ctypes.CDLL("libc.so.6").malloc_trim(0)
