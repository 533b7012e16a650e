"""The C allocator tuning run by the entry point."""

from __future__ import annotations

import subprocess
import sys

from itrac_tui import allocator


def test_keep_freed_blocks_runs_anywhere() -> None:
    """It tunes glibc where it is and is a no-op elsewhere; calling it twice is harmless."""
    allocator.keep_freed_blocks()
    allocator.keep_freed_blocks()


def test_keep_freed_blocks_keeps_memory_usable() -> None:
    """After the tuning, big buffers are still allocated, freed and reused correctly."""
    code = (
        "from itrac_tui import allocator; allocator.keep_freed_blocks()\n"
        "for i in range(50):\n"
        "    b = bytes([i % 256]) * (4 << 20); c = b.replace(b'x', b'yy')\n"
        "    assert len(c) == 4 << 20 and c[-1] == i % 256\n"
        "print('ok')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "ok"
