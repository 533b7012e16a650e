"""CAPE in the workbench: claim results (C, --claims), claim-status filter (S), lines CAPE may
reject (m), and the pane's interest estimate and claimed / not yet claimed Phase 1 dollars."""

from __future__ import annotations

from pathlib import Path

from itrac_tui.core.claims import claimed_cents
from itrac_tui.core.interest import interest_by_pathway
from itrac_tui.core.model import POOL_PATHWAYS
from itrac_tui.core.preflight import PREFLIGHT_WARNINGS
from itrac_tui.core.views import apply_view
from itrac_tui.tui.format import dollars
from tests.tui.conftest import make_app, settle


def claims_file(tmp_path: Path) -> Path:
    path = tmp_path / "claims.csv"
    path.write_text(
        'ENTRY_NUMBER,CLAIM_NUMBER,STATUS,ERROR_DESCRIPTION\n="XYZ20000011",="7",Accepted,\n',
        encoding="utf-8",
    )
    return path


def pane_text(app: object) -> str:
    return str(app.screen.query_one("#pane-foot").render())  # type: ignore[attr-defined]


async def test_claims_given_at_start_show_in_the_pane(tmp_path: Path) -> None:
    app = make_app(claims=[claims_file(tmp_path)])
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        lines = app.lines
        assert lines is not None and "claim_status" in lines.columns
        claimed, unclaimed = claimed_cents(lines)
        assert claimed == 1_000_000 and unclaimed > 0
        text = pane_text(app)
        assert "Phase 1 claimed" in text and dollars(claimed) in text
        assert "Phase 1 not yet claimed" in text and dollars(unclaimed) in text
        interest = interest_by_pathway(lines)
        pool = sum(interest.get(p, 0) for p in POOL_PATHWAYS)
        assert "interest (estimate)" in text and dollars(pool) in text


async def test_claims_key_loads_a_file_then_claim_status_filter(tmp_path: Path) -> None:
    app = make_app()
    path = claims_file(tmp_path)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        assert "Phase 1 claimed" not in pane_text(app)
        await pilot.press("C")
        await settle(pilot)
        app.screen.query_one("#dialog-input").value = str(path)  # type: ignore[attr-defined]
        await pilot.press("enter")
        await settle(pilot)
        assert app.claims is not None and app.lines is not None
        assert app.lines.filter(app.lines["claim_status"] == "Accepted").height == 1
        assert "Phase 1 claimed" in pane_text(app)
        main = app.main_screen
        assert main is not None
        await pilot.press("S")
        await settle(pilot)
        await pilot.press("space", "enter")  # the first option: the most common, (no claim)
        await settle(pilot)
        assert main.spec.claim_statuses == ("(no claim)",)
        assert main.view is not None and main.view.height == app.lines.height - 1


async def test_a_wrong_claims_file_is_one_notice(tmp_path: Path) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.load_claims(str(Path(__file__).parent / "data" / "tui_sample.csv"))
        await settle(pilot)
        assert app.claims is None
        assert any("not a CAPE Claim Details" in n.message for n in app._notifications)


async def test_lines_cape_may_reject_toggle() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        main = app.main_screen
        assert main is not None and main.spec.warning_codes == PREFLIGHT_WARNINGS
        expected = apply_view(app.lines, main.spec)
        assert main.view is not None and main.view.height == expected.height > 0
        await pilot.press("m")
        await settle(pilot)
        assert main.spec.warning_codes == ()
