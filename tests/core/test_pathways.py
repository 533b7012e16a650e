"""Every pathway boundary of spec §7, one line each, as of 2026-04-20."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from tests.core.helpers import row, scan, write_csv

AS_OF = date(2026, 4, 20)


def _liq(days_before: int) -> str:
    return (AS_OF - timedelta(days=days_before)).isoformat()


CASES = [
    ("UNL", "", "01", "100.00", "cape_phase1", "unliquidated"),
    ("EXT", "", "01", "100.00", "cape_phase1", "extended"),
    ("SUS", "", "01", "100.00", "cape_phase1", "suspended"),  # v2: CAPE takes it now
    ("REV", "", "01", "100.00", "cape_phase1", "under_review"),
    ("Under Review", "", "01", "100.00", "cape_phase1", "under_review"),
    ("PND", "", "01", "100.00", "hold", "adcvd_pending"),
    ("Pending", "", "01", "100.00", "hold", "adcvd_pending"),
    ("OPEN", "", "01", "100.00", "review", "tib_status"),  # v2: not unliquidated
    ("Closed", "", "01", "100.00", "review", "tib_status"),
    ("LIQ", _liq(0), "01", "100.00", "cape_phase1", "liquidated_recently"),
    ("LIQ", _liq(80), "01", "100.00", "cape_phase1", "liquidated_recently"),
    ("LIQ", _liq(81), "01", "100.00", "protest", "protest_window"),
    ("RLQ", _liq(180), "01", "100.00", "protest", "protest_window"),
    ("RLQ", _liq(181), "01", "100.00", "cit", "protest_window_closed"),
    ("Final", _liq(400), "01", "100.00", "cit", "protest_window_closed"),
    ("FIN", "", "01", "100.00", "review", "no_liquidation_date"),
    # future date counts as 0 days
    ("LIQ", _liq(-30), "01", "100.00", "cape_phase1", "liquidated_recently"),
    ("LIQ", "", "01", "100.00", "review", "no_liquidation_date"),
    ("LIQ", _liq(10), "08", "100.00", "review", "entry_type"),
    ("UNL", "", "09", "100.00", "review", "entry_type"),
    ("UNL", "", "23", "100.00", "review", "entry_type"),  # v2: TIB entries
    ("SUS", "", "47", "100.00", "review", "entry_type"),  # entry type is checked before status
    ("BYP", "", "01", "100.00", "review", "unknown_status"),
    ("", "", "01", "100.00", "review", "unknown_status"),  # no status at all
    # a credit stays in the pool, negative
    ("LIQ", _liq(200), "01", "(25.00)", "cit", "protest_window_closed"),
    ("UNL", "", "01", "0.00", "zero_duty", "zero_duty"),
]


@pytest.mark.parametrize(("status", "liq", "etype", "ieepa", "expected", "reason"), CASES)
def test_pathway(
    tmp_path: Path, status: str, liq: str, etype: str, ieepa: str, expected: str, reason: str
) -> None:
    p = write_csv(tmp_path / "x.csv", [row(status=status, liq=liq, etype=etype, ieepa=ieepa)])
    _, lines, _ = scan([p], AS_OF)
    assert lines.get_column("pathway").to_list() == [expected]
    assert lines.get_column("reason").to_list() == [reason]


def test_deadline_and_days_left(tmp_path: Path) -> None:
    p = write_csv(tmp_path / "x.csv", [row(status="LIQ", liq=_liq(100))])
    _, lines, _ = scan([p], AS_OF)
    line = lines.row(0, named=True)
    assert line["protest_deadline"] == AS_OF - timedelta(days=100) + timedelta(days=180)
    assert line["days_left"] == 80  # the protest line's own deadline
    assert line["phase1_until"] is None
    assert line["days_since_liquidation"] == 100


def test_stacked_zero_needs_a_232_code(tmp_path: Path) -> None:
    rows = [
        row(line=1, ch99="9903.01.10", ieepa="0.00"),
        row(line=1, ch99="9903.80.01", ieepa="500.00"),
        row(line=2, ch99="9903.01.10", ieepa="0.00"),
        row(line=2, ch99="9903.88.15", ieepa="500.00"),
        row(line=3, ch99="", ieepa=""),
    ]
    _, lines, summary = scan([write_csv(tmp_path / "x.csv", rows)], AS_OF)
    assert lines.get_column("pathway").to_list() == ["stacked_zero", "zero_duty", "not_ieepa"]
    assert summary.refundable_pool_cents == 0


def test_credits_reduce_totals(tmp_path: Path) -> None:
    rows = [
        row("SP7-0000001-4", 1, status="RLQ", liq=_liq(10), ieepa="1,000.00"),
        row("SP7-0000001-4", 2, status="RLQ", liq=_liq(10), ieepa="-$250.50"),
    ]
    _, _, summary = scan([write_csv(tmp_path / "x.csv", rows)], AS_OF)
    assert summary.to_json()["pathways"]["cape_phase1"]["ieepa_duty"] == "749.50"


def test_rules_override_changes_days(tmp_path: Path) -> None:
    from itrac_tui.core.classify import classify
    from itrac_tui.core.load import load_export
    from itrac_tui.core.rules import load_rules

    override = tmp_path / "rules.toml"
    override.write_text("[pathways]\nphase1_days = 90\nprotest_days = 180\n")
    p = write_csv(tmp_path / "x.csv", [row(status="LIQ", liq=_liq(85))])
    rules = load_rules(override)
    lines = classify(load_export([p], rules).lines, rules, AS_OF)
    assert lines.get_column("pathway").to_list() == ["cape_phase1"]
    assert rules.excluded_entry_types == ("08", "09", "47", "23")  # untouched keys keep defaults


def test_user_rules_file_in_config_dir(tmp_path: Path) -> None:
    from itrac_tui.core.rules import load_rules
    from itrac_tui.store import load_rules as load_user_rules
    from itrac_tui.store import rules_path

    rules_path().parent.mkdir(parents=True, exist_ok=True)
    rules_path().write_text('[pathways]\nexcluded_entry_types = ["08"]\n')
    assert load_user_rules().excluded_entry_types == ("08",)  # the front doors' rules
    assert load_rules().excluded_entry_types != ("08",)  # the core reads no config dir


def test_bad_rules_file_is_one_line(tmp_path: Path) -> None:
    from itrac_tui.core.errors import RulesError
    from itrac_tui.core.rules import load_rules

    bad = tmp_path / "r.toml"
    bad.write_text('[[programs]]\nid = "x"\nranges = [["banana", "9903.01.02"]]\n')
    with pytest.raises(RulesError, match="banana"):
        load_rules(bad)
    bad.write_text("this is = = not toml")
    with pytest.raises(RulesError, match="not valid TOML"):
        load_rules(bad)
