"""The Literal aliases of core.kinds name exactly the values the core uses."""

from __future__ import annotations

from itrac_tui.core import kinds, model, reconcile, rules


def test_pathways_match_model() -> None:
    assert kinds.PATHWAY_VALUES == model.PATHWAYS


def test_reconcile_statuses_and_measures_match() -> None:
    assert kinds.RECONCILE_STATUS_VALUES == reconcile.STATUSES
    assert kinds.MEASURE_VALUES == reconcile.MEASURES


def test_liquidation_statuses_cover_the_rules() -> None:
    assert set(rules.KNOWN_STATUSES) <= set(kinds.LIQUIDATION_STATUS_VALUES)


def test_reasons_match_model_when_listed() -> None:
    listed = getattr(model, "REASONS", None)
    if listed is not None:
        assert tuple(kinds.REASON_VALUES) == tuple(listed)


def test_cycle_sort_ascending_descending_off() -> None:
    from itrac_tui.core.views import cycle_sort

    assert cycle_sort((), "hts") == (("hts", False),)
    assert cycle_sort((("hts", False),), "hts") == (("hts", True),)
    assert cycle_sort((("hts", True),), "hts") == ()
    assert cycle_sort((("hts", True),), "country") == (("country", False),)
