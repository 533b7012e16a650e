"""How the core runs a query it builds lazily."""

from __future__ import annotations

import polars as pl


def collected(query: pl.LazyFrame) -> pl.DataFrame:
    """`query` run by the in-memory engine, its columns in one piece each.

    Eager `select`/`with_columns` compute a part that several expressions share once per use
    (they skip common-subexpression elimination) and their columns one by one: queries whose
    expressions share parts are built lazily and run here. The streaming engine hands columns
    back in pieces, and the TUI's filters over such lines took twice as long."""
    return query.collect(engine="in-memory")
