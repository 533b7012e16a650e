"""The user keymap: `[keys] binding_id = "ctrl+x"` in keymap.toml (config dir)."""

from __future__ import annotations

from pathlib import Path

from itrac_tui.config import keymap_path, read_toml


def load_keymap(path: Path | None = None) -> tuple[dict[str, str], str]:
    """Binding id -> keys, and an error message ("" when fine)."""
    path = path or keymap_path()
    try:
        data = read_toml(path)
    except Exception as exc:
        return {}, f"keymap {path} ignored: {exc}"
    keys = data.get("keys", {})
    if not isinstance(keys, dict):
        return {}, f"keymap {path} ignored: [keys] must be a table"
    good = {str(k): str(v) for k, v in keys.items() if isinstance(v, str) and v.strip()}
    bad = [str(k) for k, v in keys.items() if not (isinstance(v, str) and v.strip())]
    return good, (f"keymap {path}: ignored entries {', '.join(bad)}" if bad else "")
