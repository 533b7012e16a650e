"""Pathway, reason and deadlines of each line as of a date (docs/rules.md §7), vectorised."""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl

from itrac_tui.core.interest import with_interest
from itrac_tui.core.queries import collected
from itrac_tui.core.rules import Rules

_LIQUIDATED = ["LIQ", "RLQ", "FIN"]


def _pool_rules(rules: Rules, as_of: date, has_liquidation: bool) -> list[tuple[pl.Expr, str, str]]:
    """(condition, pathway, reason) of refundable lines, in the spec's order of checks."""
    status = pl.col("liquidation_status")
    days = days_since_expr(as_of)
    liquidated = status.is_in(_LIQUIDATED)
    etype = pl.col("entry_type")
    recon = pl.col("recon_flag").fill_null(False)
    accepted = rules.recon_accepted_from
    if accepted is not None and as_of >= accepted:
        recon = recon & ~etype.is_in(list(rules.recon_accepted_entry_types)).fill_null(False)
    suspended = rules.suspended_pathway
    out: list[tuple[pl.Expr, str, str]] = [
        (etype.is_in(list(rules.excluded_entry_types)), "review", "entry_type"),
        (status == "TIB", "review", "tib_status"),
        (pl.col("drawback_flag").fill_null(False), "review", "drawback"),
        (pl.col("protest_on_file").fill_null(False), "protest", "protest_on_file"),
        (recon, "hold", "recon_flagged"),
        (status == "PND", "hold", "adcvd_pending"),
        (status == "SUS", suspended, "suspended"),
        (status == "EXT", suspended, "extended"),
        (status == "REV", suspended, "under_review"),
        (status == "UNL", "cape_phase1", "unliquidated"),
    ]
    if not has_liquidation:
        out.append((pl.lit(True), "review", "no_liquidation_columns"))
    out += [
        (liquidated & pl.col("liquidation_date").is_null(), "review", "no_liquidation_date"),
        (liquidated & (days <= rules.phase1_days), "cape_phase1", "liquidated_recently"),
        (liquidated & (days <= rules.protest_days), "protest", "protest_window"),
        (liquidated, "cit", "protest_window_closed"),
    ]
    return out


def _checks(rules: Rules, as_of: date, has_liquidation: bool) -> list[tuple[pl.Expr, str, str]]:
    """Every (condition, pathway, reason) in order: the excluded kinds, then the pool's."""
    zero = pl.col("ieepa_duty_cents") == 0
    blank = pl.col("warnings").list.contains("blank_ieepa_duty")
    head: list[tuple[pl.Expr, str, str]] = [
        (~pl.col("has_ieepa"), "not_ieepa", "not_ieepa"),
        (zero & blank, "review", "blank_ieepa_duty"),
        (zero & pl.col("has_stacking"), "stacked_zero", "stacked_zero"),
        (zero, "zero_duty", "zero_duty"),
    ]
    return [
        *head,
        *_pool_rules(rules, as_of, has_liquidation),
        (pl.lit(True), "review", "unknown_status"),
    ]


def _check_index(checks: list[tuple[pl.Expr, str, str]]) -> pl.Expr:
    """Index of the first check that holds (a small integer: no string column per branch)."""
    chain: Any = pl
    for k, (cond, _path, _why) in enumerate(checks[:-1]):
        chain = chain.when(cond.fill_null(False)).then(pl.lit(k, dtype=pl.UInt8))
    return chain.otherwise(pl.lit(len(checks) - 1, dtype=pl.UInt8))


def _pathway_and_reason(
    rules: Rules, as_of: date, has_liquidation: bool
) -> tuple[pl.Expr, pl.Expr]:
    checks = _checks(rules, as_of, has_liquidation)
    k = _check_index(checks)
    ids = list(range(len(checks)))
    pathway = k.replace_strict(ids, [c[1] for c in checks], return_dtype=pl.String)
    reason = k.replace_strict(ids, [c[2] for c in checks], return_dtype=pl.String)
    return pathway, reason


def pathway_expr(rules: Rules, as_of: date, *, has_liquidation: bool = True) -> pl.Expr:
    """Pathway id of each line, in the spec's order of checks."""
    return _pathway_and_reason(rules, as_of, has_liquidation)[0]


def reason_expr(rules: Rules, as_of: date, *, has_liquidation: bool = True) -> pl.Expr:
    """Reason of each line's pathway (model.REASONS), the same checks as pathway_expr."""
    return _pathway_and_reason(rules, as_of, has_liquidation)[1]


def days_since_expr(as_of: date) -> pl.Expr:
    """Days from liquidation to as_of; a future liquidation date counts as 0."""
    days = (pl.lit(as_of) - pl.col("liquidation_date")).dt.total_days()
    return pl.when(days < 0).then(0).otherwise(days).cast(pl.Int64)


def _infer_has_liquidation(lines: pl.DataFrame) -> bool:
    """Whether the export had liquidation columns, judged from the lines (all blank: no)."""
    if lines.height == 0:
        return True
    counts = lines.select(
        pl.col("liquidation_status").null_count(), pl.col("liquidation_date").null_count()
    ).row(0)
    return not (counts[0] == lines.height and counts[1] == lines.height)


def classify(
    lines: pl.DataFrame, rules: Rules, as_of: date, *, has_liquidation: bool | None = None
) -> pl.DataFrame:
    """Add pathway, reason, days_since_liquidation, the deadlines and days_left to the lines,
    and the as-of warnings (phase1_cliff, rlq_phase1).

    `has_liquidation` is Export.has_liquidation; when not given it is inferred from the lines
    (no status and no date on any line = the export has no liquidation columns).
    """
    if has_liquidation is None:
        has_liquidation = _infer_has_liquidation(lines)
    checks = _checks(rules, as_of, has_liquidation)
    # the checks share their parts (zero duty, liquidated, days): computed once in a query
    k = collected(lines.lazy().select(_check_index(checks))).to_series()
    pathway = pl.Series("pathway", [c[1] for c in checks], dtype=pl.String).gather(k)
    reason = pl.Series("reason", [c[2] for c in checks], dtype=pl.String).gather(k)
    liq = pl.col("liquidation_date")
    liquidated = pl.col("liquidation_status").is_in(_LIQUIDATED)
    deposit = pl.coalesce("entry_summary_date", "entry_date")
    out = lines.with_columns(
        pathway,
        reason,
        days_since_expr(as_of).alias("days_since_liquidation"),
        pl.when(liquidated)
        .then(liq + pl.duration(days=rules.protest_days))
        .alias("protest_deadline"),
        deposit.dt.offset_by(f"{rules.cit_years}y").alias("cit_deadline"),
    ).with_columns(
        pl.when(pl.col("reason") == "liquidated_recently")
        .then(liq + pl.duration(days=rules.phase1_days))
        .alias("phase1_until"),
    )
    own = (
        pl.when(pl.col("pathway") == "cape_phase1")
        .then(pl.col("phase1_until"))
        .when(pl.col("pathway") == "protest")
        .then(pl.col("protest_deadline"))
        .when(pl.col("pathway") == "cit")
        .then(pl.col("cit_deadline"))
    )
    out = out.with_columns((own - pl.lit(as_of)).dt.total_days().cast(pl.Int64).alias("days_left"))
    out = with_interest(_as_of_warnings(out, rules), rules.cape, as_of)
    from itrac_tui.core.model import CLASSIFIED_COLUMNS

    first = [c for c in out.columns if c not in CLASSIFIED_COLUMNS]
    # claim_* columns are added later by claims.attach_claims (when claims are given)
    return out.select(*first, *[c for c in CLASSIFIED_COLUMNS if c in out.columns])


def _as_of_warnings(lines: pl.DataFrame, rules: Rules) -> pl.DataFrame:
    """Append phase1_cliff and rlq_phase1 to the warnings of the lines they concern (the lists
    are rebuilt for those lines only)."""
    recent = pl.col("reason") == "liquidated_recently"
    flags = {
        "phase1_cliff": recent & (pl.col("days_left") <= rules.phase1_margin_days),
        "rlq_phase1": recent & (pl.col("liquidation_status") == "RLQ"),
    }
    hit = pl.any_horizontal(list(flags.values())).fill_null(False)
    idx = lines.select(pl.arg_where(hit)).to_series()
    if idx.len() == 0:
        return lines
    added = lines[idx].select(
        "line_id",
        pl.concat_list(
            [pl.col("warnings")] + [pl.when(c).then(pl.lit(k)) for k, c in flags.items()]
        )
        .list.drop_nulls()
        .alias("_w_new"),
    )
    joined = lines.join(added, on="line_id", how="left", maintain_order="left")
    return joined.with_columns(pl.coalesce("_w_new", "warnings").alias("warnings")).drop("_w_new")
