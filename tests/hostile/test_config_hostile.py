"""Broken settings files never stop the app or change money silently: each is ignored with a
warning naming the file and the key (the store's policy), and scan still gives the right pool."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from itrac_tui.cli import main

from .cases import AS_OF, csv_text, row

CASES: dict[str, tuple[str, str | bytes | None]] = {
    # name: (file in the config dir, content; None = a folder in its place)
    "mappings_syntax": ("mappings.toml", "x = [1,\n"),
    "mappings_folder": ("mappings.toml", None),
    "mappings_types": ("mappings.toml", "[mapping]\nduty = 5\nentry_number = inf\n"),
    "rules_syntax": ("rules.toml", "x = [1,\n"),
    "rules_folder": ("rules.toml", None),
    "rules_binary": ("rules.toml", b"\xff\xfe\x00"),
    "rules_infinity": ("rules.toml", "[pathways]\nprotest_days = inf\n"),
    "rules_huge": ("rules.toml", "[pathways]\nprotest_days = 99999999999999999\n"),
    "rules_float_years": ("rules.toml", "[pathways]\ncit_years = 1e300\n"),
    "rules_text_days": ("rules.toml", '[pathways]\nprotest_days = "x"\n'),
    "rules_zero_words_text": ("rules.toml", '[values]\nzero_words = "FREE"\n'),
    "rules_junk_program": ("rules.toml", "[[programs]]\nid = 5\n"),
    "views_markup": ("views.toml", '[views."[red]x[/red]"]\npathway = 5\n'),
    "keymap_markup": ("keymap.toml", '[keys]\n"app.quit" = "[bold]q[/]"\n"app.open" = 5\n'),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_broken_settings_are_ignored_with_a_warning(
    name: str, tmp_path: Path, isolated_dirs: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target, content = CASES[name]
    folder = isolated_dirs / "config" / "itrac-tui"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / target
    if content is None:
        path.mkdir()
    else:
        path.write_bytes(content.encode() if isinstance(content, str) else content)
    export = tmp_path / "export.csv"
    export.write_text(csv_text([row(1), row(2, "$5.00")]))
    code = main(["scan", "--json", "--as-of", AS_OF, str(export)])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert json.loads(out)["refundable_pool"] == "105.00"  # the defaults, not a silent $0
    assert "Traceback" not in err
    if target in ("mappings.toml", "rules.toml"):  # scan reads these two
        assert str(path) in err and "ignored" in err, err


def test_theme_variables_that_would_break_the_stylesheet_are_refused(tmp_path: Path) -> None:
    from itrac_tui.tui.themes import load_themes

    bad = tmp_path / "bad.toml"
    bad.write_text(
        'name = "ok2"\nprimary = "#ff0000"\n[variables]\n"footer-key-foreground" = "[b]"\n'
    )
    markup_name = tmp_path / "markup.toml"
    markup_name.write_text('name = "[b]evil[/b]"\nprimary = "#ff0000"\n')
    themes, errors = load_themes([bad, markup_name])
    assert [t.name for t in themes] == ["[b]evil[/b]"]  # a name is only text
    assert len(errors) == 1 and "footer-key-foreground" in errors[0]
