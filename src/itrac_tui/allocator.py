"""The C allocator tuned for reading big files in blocks (Linux, glibc; elsewhere nothing)."""

from __future__ import annotations

import ctypes
import sys

_M_TRIM_THRESHOLD = -1  # glibc's mallopt parameters (malloc.h)
_M_MMAP_THRESHOLD = -3
_BLOCKS_IN_HEAP = 32 << 20  # blocks up to this size come from the heap, not their own mapping
_KEPT_FREE = 64 << 20  # free heap memory kept for the next blocks before any is given back


def keep_freed_blocks() -> None:
    """Let freed multi-megabyte buffers be reused instead of returned to the system at once.

    The streamed scan reads each file block into a few megabyte-sized bytes objects and frees
    them; by default glibc maps and unmaps each one, and every page of the next block is then
    faulted in again (a fifth of the scan's CPU time was spent so, in the kernel)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):  # not glibc (musl has no mallopt)
        return
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt(_M_MMAP_THRESHOLD, _BLOCKS_IN_HEAP)
    mallopt(_M_TRIM_THRESHOLD, _KEPT_FREE)
