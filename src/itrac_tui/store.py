"""Every file itrac-tui keeps, in one place: paths, one TOML reader/writer, one error policy.

The front doors (commands/, tui/) load the user's rules, column mappings, saved views, AP mappings,
keymap and recent exports here and pass them into the core, which reads no config directory.

Error policy: a file the user named explicitly (`--rules`, `--mapping`) that cannot be used is an
InputError (one line, exit 2). A file of the config or state directory never stops the app: what
cannot be used (broken TOML, an unknown key, an unknown binding id, a bad key name, a value of the
wrong kind) is ignored and leaves one Notice naming the file and the key; `take_notices()` hands
them to the front door, which shows them (a notification in the TUI, a warning line on stderr).
"""

from __future__ import annotations

import contextlib
import os
import re
import threading
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import platformdirs
import tomli_w

from itrac_tui.core.ap import AP_FIELDS
from itrac_tui.core.columns import FIELDS
from itrac_tui.core.errors import InputError, RulesError
from itrac_tui.core.rules import Rules
from itrac_tui.core.rules import load_rules as build_rules
from itrac_tui.core.views import ViewSpec
from itrac_tui.resources import default_rules_path

APP_NAME = "itrac-tui"
MAX_RECENT = 12


# --- paths ---------------------------------------------------------------------------------------
def config_dir() -> Path:
    """User config directory (rules.toml, mappings.toml, views.toml, keymap.toml, themes/)."""
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def state_dir() -> Path:
    """User state directory (recent files)."""
    return Path(platformdirs.user_state_dir(APP_NAME, appauthor=False))


def rules_path() -> Path:
    """User rules override."""
    return config_dir() / "rules.toml"


def mappings_path() -> Path:
    """Saved column mapping of ITRAC exports."""
    return config_dir() / "mappings.toml"


def ap_mapping_path() -> Path:
    """Saved column mapping of accounts-payable files."""
    return config_dir() / "ap_mapping.toml"


def views_path() -> Path:
    """Saved views."""
    return config_dir() / "views.toml"


def keymap_path() -> Path:
    """User keymap (binding id -> keys)."""
    return config_dir() / "keymap.toml"


def user_themes_dir() -> Path:
    """User theme files."""
    return config_dir() / "themes"


def recent_path() -> Path:
    """Recently opened exports."""
    return state_dir() / "recent.toml"


# --- notices -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Notice:
    """Something of a settings file that was ignored: the file, the key ("" = whole file), why."""

    path: Path
    key: str
    problem: str

    def __str__(self) -> str:
        where = f"{self.path}: {self.key}" if self.key else str(self.path)
        return f"{where}: {self.problem} (ignored)"


_LOCK = threading.Lock()
_notices: list[Notice] = []


def _notice(path: Path, key: str, problem: str) -> None:
    item = Notice(Path(path), key, problem)
    with _LOCK:
        if item not in _notices:
            _notices.append(item)


def take_notices() -> list[Notice]:
    """The notices gathered since the last call (each once), oldest first."""
    with _LOCK:
        out = list(_notices)
        _notices.clear()
    return out


# --- TOML ----------------------------------------------------------------------------------------
def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def read_toml(path: Path) -> dict[str, Any]:
    """Read a TOML file; a missing file is an empty table; InputError (one line) if unusable."""
    path = Path(path)
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        return {}
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: not valid TOML ({_first_line(exc)})") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from None


def _read_settings(path: Path) -> dict[str, Any]:
    """A config/state file: its table, or {} with a notice when it cannot be read."""
    try:
        return read_toml(path)
    except InputError as exc:
        problem = str(exc).removeprefix(f"{path}: ")
        _notice(path, "", problem)
        return {}


def write_toml(path: Path, data: Mapping[str, Any]) -> None:
    """Write a TOML file atomically, creating its folder."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    try:
        tmp.write_bytes(tomli_w.dumps(dict(data)).encode("utf-8"))
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _table(path: Path, data: Mapping[str, Any], key: str) -> dict[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, dict):
        _notice(path, f"[{key}]", "must be a table")
        return {}
    return value


def _unknown_keys(path: Path, data: Mapping[str, Any], known: Iterable[str], where: str) -> None:
    allowed = set(known)
    for key in data:
        if key not in allowed:
            _notice(path, f"{where}{key}", "unknown key")


def _string_map(
    path: Path, table: Mapping[str, Any], known: Iterable[str], where: str
) -> dict[str, str]:
    """field -> non-empty text; unknown fields and values that are not text get a notice."""
    allowed = set(known)
    out: dict[str, str] = {}
    for key, value in table.items():
        if key not in allowed:
            _notice(path, f"{where}{key}", f"unknown field (known: {', '.join(sorted(allowed))})")
        elif not isinstance(value, str):
            _notice(path, f"{where}{key}", "must be a text value")
        elif value.strip():
            out[str(key)] = value
    return out


# --- rules ---------------------------------------------------------------------------------------
# Keys older rules files may still carry (the builder reads them; the shipped default no longer).
_LEGACY_RULE_KEYS = {"pathways.excluded_entry_types", "pathways.cape_excluded_entry_types"}


def _rule_keys(default: Any, user: Any, path: Path, where: str) -> None:
    """Notice every key of the user's rules that the shipped default does not have (typos)."""
    if isinstance(default, dict) and isinstance(user, dict):
        for key, value in user.items():
            dotted = f"{where}{key}"
            if key not in default:
                if dotted not in _LEGACY_RULE_KEYS and default:
                    _notice(path, dotted, "unknown rules key (a typo?)")
                continue
            _rule_keys(default[key], value, path, f"{dotted}.")
    elif isinstance(default, list) and isinstance(user, list):
        known = {k for item in default if isinstance(item, dict) for k in item}
        if not known:
            return
        for i, item in enumerate(user):
            if isinstance(item, dict):
                for key in item:
                    if key not in known:
                        _notice(path, f"{where[:-1]}[{i}].{key}", "unknown rules key (a typo?)")


def load_rules(path: str | Path | None = None) -> Rules:
    """Shipped rules, merged with the user's rules.toml (if any) and then `path` (if given).

    A broken user rules.toml is left out with a notice; a broken `path` raises RulesError."""
    default = read_toml(default_rules_path())
    user = rules_path()
    layers: list[Path] = []
    if user.exists() and not user.is_file():
        _notice(user, "", "not a file (a folder or a device in its place)")
    elif user.is_file():
        data = _read_settings(user)
        if data:
            _rule_keys(default, data, user, "")
            try:
                build_rules(user)
                layers.append(user)
            except RulesError as exc:
                _notice(user, "", _first_line(exc))
    if path is not None:
        explicit = Path(path)
        if explicit.is_file():
            with contextlib.suppress(InputError):  # build_rules says what is wrong with it
                _rule_keys(default, read_toml(explicit), explicit, "")
        layers.append(explicit)
    return build_rules(*layers)


# --- ITRAC column mappings ----------------------------------------------------------------------
def load_mapping_file(path: str | Path) -> dict[str, str]:
    """A --mapping TOML: `field = "Header"` at top level or under [mapping] (InputError if bad)."""
    p = Path(path)
    if not p.is_file():
        raise InputError(f"mapping file not found: {p}")
    try:
        data = read_toml(p)
    except InputError as exc:
        raise InputError(f"mapping file {exc}") from None
    data = data.get("mapping", data)
    return {str(k): str(v) for k, v in data.items() if isinstance(v, str)}


def saved_mapping() -> dict[str, str]:
    """The column mapping the user saved from the load screen (mappings.toml [mapping])."""
    path = mappings_path()
    data = _read_settings(path)
    _unknown_keys(path, data, ["mapping"], "")
    return _string_map(path, _table(path, data, "mapping"), FIELDS, "mapping.")


def save_mapping(mapping: Mapping[str, str]) -> None:
    """Save a column mapping for next time (replaces the saved one)."""
    known = set(FIELDS)
    write_toml(mappings_path(), {"mapping": {k: v for k, v in mapping.items() if k in known}})


# --- AP mappings ---------------------------------------------------------------------------------
def load_ap_mapping() -> dict[str, str]:
    """The saved AP column mapping (field -> header); empty when none was saved."""
    path = ap_mapping_path()
    data = _read_settings(path)
    _unknown_keys(path, data, ["ap"], "")
    return _string_map(path, _table(path, data, "ap"), AP_FIELDS, "ap.")


def save_ap_mapping(mapping: Mapping[str, str]) -> None:
    """Save an AP column mapping (field -> header) for next time."""
    clean = {k: v for k, v in mapping.items() if k in AP_FIELDS and v}
    write_toml(ap_mapping_path(), {"ap": clean})


# --- saved views ---------------------------------------------------------------------------------
def load_views() -> dict[str, ViewSpec]:
    """Saved views by name (views.toml [views.NAME]); a view that cannot be read is skipped."""
    path = views_path()
    data = _read_settings(path)
    _unknown_keys(path, data, ["views"], "")
    known = {f.name for f in fields(ViewSpec)}
    out: dict[str, ViewSpec] = {}
    for name, body in _table(path, data, "views").items():
        if not isinstance(body, dict):
            _notice(path, f"views.{name}", "must be a table")
            continue
        _unknown_keys(path, body, known, f"views.{name}.")
        try:
            out[str(name)] = ViewSpec.from_dict(body)
        except (TypeError, ValueError) as exc:
            _notice(path, f"views.{name}", _first_line(exc))
    return out


def save_view(name: str, spec: ViewSpec) -> None:
    """Add or replace a named view."""
    path = views_path()
    data = _read_settings(path)
    views = data.get("views")
    if not isinstance(views, dict):
        data["views"] = views = {}
    views[name] = spec.to_dict()
    write_toml(path, data)


def delete_view(name: str) -> None:
    """Remove a named view (no error if absent)."""
    path = views_path()
    data = _read_settings(path)
    views = data.get("views")
    if isinstance(views, dict) and views.pop(name, None) is not None:
        write_toml(path, data)


# --- keymap --------------------------------------------------------------------------------------
# One key: optional modifiers, then a Textual key name ("f1", "question_mark") or one character.
_KEY = re.compile(r"^(?:(?:ctrl|shift|alt|meta|super|hyper)\+)*(?:[a-z][a-z0-9_]*|[^\s,+]|\+)$")


def valid_keys(text: str) -> bool:
    """True for a Textual key list such as "ctrl+x", "f1", "?" or "ctrl+w,f2"."""
    parts = [p.strip() for p in text.split(",")]
    return bool(parts) and all(p and _KEY.match(p) for p in parts)


def load_keymap(known_ids: Iterable[str] | None = None) -> dict[str, str]:
    """Binding id -> keys from keymap.toml [keys]; unknown ids (when `known_ids` is given), bad
    key names and values that are not text are left out with a notice."""
    path = keymap_path()
    data = _read_settings(path)
    _unknown_keys(path, data, ["keys"], "")
    ids = set(known_ids) if known_ids is not None else None
    out: dict[str, str] = {}
    for bid, value in _table(path, data, "keys").items():
        key = f"keys.{bid}"
        if ids is not None and bid not in ids:
            _notice(path, key, "unknown binding id (the ids are listed in ? help)")
        elif not isinstance(value, str) or not value.strip():
            _notice(path, key, 'must be a key such as "ctrl+x"')
        elif not valid_keys(value):
            _notice(path, key, f"{value!r} is not a key name")
        else:
            out[str(bid)] = value.strip()
    return out


# --- recent exports ------------------------------------------------------------------------------
def load_recent() -> list[list[str]]:
    """Recent exports, newest first (a broken file reads as none, with a notice)."""
    path = recent_path()
    data = _read_settings(path)
    out: list[list[str]] = []
    items = data.get("recent", [])
    for item in items if isinstance(items, list) else []:
        files = item.get("files") if isinstance(item, dict) else None
        if isinstance(files, list) and files:
            out.append([str(f) for f in files])
    return out


def add_recent(files: Iterable[Path | str]) -> None:
    """Put an export at the top of the recent list (absolute paths; errors ignored)."""
    entry = [str(Path(f).resolve()) for f in files if Path(f).is_file()]
    if not entry:
        return
    items = [entry] + [r for r in load_recent() if r != entry]
    with contextlib.suppress(OSError):
        write_toml(recent_path(), {"recent": [{"files": r} for r in items[:MAX_RECENT]]})


__all__ = [
    "APP_NAME",
    "Notice",
    "add_recent",
    "ap_mapping_path",
    "config_dir",
    "delete_view",
    "keymap_path",
    "load_ap_mapping",
    "load_keymap",
    "load_mapping_file",
    "load_recent",
    "load_rules",
    "load_views",
    "mappings_path",
    "read_toml",
    "recent_path",
    "rules_path",
    "save_ap_mapping",
    "save_mapping",
    "save_view",
    "saved_mapping",
    "state_dir",
    "take_notices",
    "user_themes_dir",
    "valid_keys",
    "views_path",
    "write_toml",
]
