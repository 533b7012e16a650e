"""The core is pure: importing it (and the headless commands) never imports Textual."""

from __future__ import annotations

import subprocess
import sys

CODE = """
import importlib, pkgutil, sys
import itrac_tui.core as core
for m in pkgutil.iter_modules(core.__path__):
    importlib.import_module(f"itrac_tui.core.{m.name}")
import itrac_tui.commands.scan
bad = sorted(m for m in sys.modules if m == "textual" or m.startswith("textual."))
print(bad)
sys.exit(1 if bad else 0)
"""


def test_core_never_imports_textual() -> None:
    done = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
