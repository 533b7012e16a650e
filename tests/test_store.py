"""The store: every settings file validated; what it cannot use is one notice naming file, key."""

from __future__ import annotations

from pathlib import Path

import pytest

from itrac_tui import store
from itrac_tui.core.errors import InputError, RulesError
from itrac_tui.core.views import ViewSpec


@pytest.fixture(autouse=True)
def _no_leftover_notices() -> None:
    store.take_notices()


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _texts() -> list[str]:
    return [str(n) for n in store.take_notices()]


def test_missing_files_are_empty_and_quiet() -> None:
    assert store.saved_mapping() == {}
    assert store.load_ap_mapping() == {}
    assert store.load_views() == {}
    assert store.load_keymap() == {}
    assert store.load_recent() == []
    assert store.take_notices() == []


@pytest.mark.parametrize(
    ("path", "load"),
    [
        (store.mappings_path, store.saved_mapping),
        (store.ap_mapping_path, store.load_ap_mapping),
        (store.views_path, store.load_views),
        (store.keymap_path, store.load_keymap),
        (store.recent_path, store.load_recent),
    ],
)
def test_a_broken_file_never_crashes(path, load) -> None:  # type: ignore[no-untyped-def]
    _write(path(), "this is = = not toml")
    assert not load()
    (text,) = _texts()
    assert str(path()) in text and "not valid TOML" in text


def test_unknown_mapping_fields_and_values_named() -> None:
    _write(store.mappings_path(), '[mapping]\nhts = "Tariff"\nhtss = "X"\nline_number = 3\n')
    assert store.saved_mapping() == {"hts": "Tariff"}
    texts = _texts()
    assert any("mapping.htss: unknown field" in t for t in texts)
    assert any("mapping.line_number: must be a text value" in t for t in texts)


def test_keymap_unknown_ids_and_bad_key_names() -> None:
    _write(
        store.keymap_path(),
        '[keys]\n"filter.clear" = "ctrl+x"\n"filter.clera" = "ctrl+y"\n'
        '"app.help" = "ctrl x"\n"app.quit" = ""\n',
    )
    keys = store.load_keymap({"filter.clear", "app.help", "app.quit"})
    assert keys == {"filter.clear": "ctrl+x"}
    texts = _texts()
    assert any("keys.filter.clera: unknown binding id" in t for t in texts)
    assert any("keys.app.help: 'ctrl x' is not a key name" in t for t in texts)
    assert any("keys.app.quit: must be a key" in t for t in texts)
    assert all(str(store.keymap_path()) in t for t in texts)


@pytest.mark.parametrize("keys", ["ctrl+x", "f1", "?", "ctrl+shift+a,f2", "question_mark", "+"])
def test_valid_key_names(keys: str) -> None:
    assert store.valid_keys(keys)


def test_views_round_trip_and_a_bad_view_is_skipped() -> None:
    store.save_view("cn", ViewSpec(countries=("CN",)))
    assert store.load_views() == {"cn": ViewSpec(countries=("CN",))}
    text = store.views_path().read_text()
    _write(
        store.views_path(),
        text + '\n[views.bad]\nliquidated_from = "not a date"\n[views.odd]\ncountrys = ["MX"]\n',
    )
    views = store.load_views()
    assert set(views) == {"cn", "odd"}
    texts = _texts()
    assert any("views.bad" in t for t in texts)
    assert any("views.odd.countrys: unknown key" in t for t in texts)
    store.delete_view("cn")
    assert "cn" not in store.load_views()


def test_rules_typos_are_named_and_a_broken_user_file_is_left_out() -> None:
    _write(store.rules_path(), "[pathways]\nprotest_dayz = 10\n")
    rules = store.load_rules()
    assert rules.protest_days == 180
    (text,) = _texts()
    assert "pathways.protest_dayz: unknown rules key" in text
    _write(store.rules_path(), "[pathways]\nphase1_days = 500\n")  # phase1 > protest: invalid
    assert store.load_rules().phase1_days == 80
    (text,) = _texts()
    assert str(store.rules_path()) in text


def test_an_explicit_bad_file_is_an_error(tmp_path: Path) -> None:
    bad = _write(tmp_path / "r.toml", "this is = = not toml")
    with pytest.raises(RulesError):
        store.load_rules(bad)
    with pytest.raises(InputError, match="mapping file"):
        store.load_mapping_file(bad)
    with pytest.raises(InputError, match="not found"):
        store.load_mapping_file(tmp_path / "none.toml")


def test_recent_newest_first(tmp_path: Path) -> None:
    a, b = _write(tmp_path / "a.csv", "x"), _write(tmp_path / "b.csv", "x")
    store.add_recent([a])
    store.add_recent([b])
    store.add_recent([a])
    assert store.load_recent() == [[str(a.resolve())], [str(b.resolve())]]


def test_notices_are_given_once() -> None:
    _write(store.keymap_path(), "[keys\n")
    store.load_keymap()
    store.load_keymap()
    assert len(store.take_notices()) == 1
    assert store.take_notices() == []
