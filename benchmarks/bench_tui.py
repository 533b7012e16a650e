"""TUI benchmark on a large export, headless (Pilot): first grid paint, filter change, cursor keys.

    PYTHONPATH=src python benchmarks/bench_tui.py                # 1,000,000 lines, generated
    PYTHONPATH=src python benchmarks/bench_tui.py --csv big.csv  # an existing export
    PYTHONPATH=src python benchmarks/bench_tui.py --csv big.csv --skip-core --whole  # read whole

peak_rss_mb is the process's (with --skip-core: the app's alone; `/usr/bin/time -v` agrees).

Budgets (issues #3 and #11, 2-core machine): first paint <= 2.5 s beyond the core's scan time; a
filter change to repainted grid + pane <= 150 ms; a breakdown or the deadline calendar from its
key (Enter in the dimension picker, `D`) to its rows painted <= 150 ms; a cursor key to repaint
<= 50 ms median.
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import statistics
import sys
import time
from dataclasses import replace
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
for p in (REPO, REPO / "src"):
    if str(p) not in sys.path:
        sys.path.insert(0, str(p))

AS_OF = date(2026, 11, 22)


def make_csv(lines: int, out: Path) -> Path:
    """Generate an ES-003 export with about `lines` lines (reused when present)."""
    if out.is_file():
        return out
    from benchmarks import generate

    cmd = ["--lines", str(lines), "--layout", "es003", "--out", str(out), "--seed", "1"]
    generate.main(cmd)
    return out


def core_time(path: Path) -> tuple[float, float, int]:
    """Seconds of the core alone: scan-style load (decisive columns) and full load + classify."""
    from itrac_tui.core.classify import classify
    from itrac_tui.core.load import load_export
    from itrac_tui.core.rules import load_rules

    rules = load_rules()
    t0 = time.perf_counter()
    export = load_export([path], rules, context=False)
    classify(export.lines, rules, AS_OF)
    scan = time.perf_counter() - t0
    t0 = time.perf_counter()
    export = load_export([path], rules)
    lines = classify(export.lines, rules, AS_OF)
    full = time.perf_counter() - t0
    return scan, full, lines.height


async def bench_app(path: Path, keys: int) -> dict[str, float]:
    """Run the app headless and time what the user waits for."""
    from itrac_tui.core.views import ViewSpec
    from itrac_tui.tui.app import ItracApp
    from itrac_tui.tui.widgets.line_grid import LineGrid

    paints: list[float] = []
    original = LineGrid.render_line

    def timed_render_line(self: LineGrid, y: int):  # type: ignore[no-untyped-def]
        strip = original(self, y)
        if self.frame.height:  # loaded (an empty view paints too)
            paints.append(time.perf_counter())
        return strip

    LineGrid.render_line = timed_render_line  # type: ignore[method-assign]
    results: dict[str, float] = {}
    started = time.perf_counter()
    app = ItracApp([str(path)], as_of=AS_OF)
    async with app.run_test(size=(100, 30)) as pilot:
        while not paints:
            await asyncio.sleep(0.01)
        first_paint = paints[0]
        results["app_start_to_first_paint_s"] = first_paint - started
        results["core_in_app_s"] = app.load_seconds
        results["beyond_core_s"] = first_paint - started - app.load_seconds
        main = app.main_screen
        assert main is not None
        results["view_worker_s"] = main.last_view_seconds
        # a big export's own columns arrive after the first paint: time them, then measure the
        # filters on the settled app (as before the columns were read lazily)
        while app.export is not None and app.export.is_lazy and app.line_context is None:
            await asyncio.sleep(0.01)
        results["file_columns_ready_s"] = time.perf_counter() - started
        await app.workers.wait_for_complete()  # the view redrawn with them
        await pilot.pause()

        worker_ms: list[int] = []

        async def change(spec: ViewSpec) -> float:
            count = main.applied_count
            t0 = time.perf_counter()
            main.set_spec(spec)
            while main.applied_count == count or not paints or paints[-1] < main.applied_at:
                await asyncio.sleep(0.001)
            done = paints[-1]
            worker_ms.append(round(main.last_view_seconds * 1000))
            await pilot.pause()
            return done - t0

        filters = [
            ViewSpec(countries=("CN",)),
            ViewSpec(countries=("CN",), ch99=("ieepa_reciprocal",)),
            ViewSpec(
                countries=("CN",),
                ch99=("ieepa_reciprocal",),
                liquidated_from=date(2026, 3, 1),
                liquidated_to=date(2026, 5, 31),
            ),
            ViewSpec(pathways=("protest",)),
            ViewSpec(),
        ]
        timings = [await change(spec) for spec in filters]
        timings += [await change(spec) for spec in filters]  # again: summaries are cached
        print("filter changes (ms):", [round(t * 1000) for t in timings])
        print("  of which worker (ms):", worker_ms)
        results["filter_change_median_ms"] = statistics.median(timings) * 1000
        results["filter_change_max_ms"] = max(timings) * 1000
        sort_spec = replace(ViewSpec(), sort=(("ieepa_duty_cents", True),))
        results["sort_ms"] = await change(sort_spec) * 1000
        # a search the data answers: part of the first line's entry number
        assert app.lines is not None
        needle = str(app.lines.item(0, "entry_number"))[4:9]
        results["search_ms"] = await change(ViewSpec(search=needle)) * 1000
        results["search_nothing_ms"] = await change(ViewSpec(search="no-such-text")) * 1000
        await change(ViewSpec())

        from textual.widgets import OptionList

        from itrac_tui.tui.screens.breakdown import BreakdownList, BreakdownScreen
        from itrac_tui.tui.screens.calendar import CalendarList, CalendarScreen
        from itrac_tui.tui.screens.dialogs import ChoiceDialog

        # a breakdown or the calendar is shown when its list paints its rows (reset empties it)
        list_paints: list[float] = []
        originals = {cls: cls.render_line for cls in (BreakdownList, CalendarList)}

        def painted_rows(cls):  # type: ignore[no-untyped-def]
            def render_line(self, y):  # type: ignore[no-untyped-def]
                strip = originals[cls](self, y)
                rows = getattr(self, "row_count", None)  # the breakdown's list
                rows = self.option_count if rows is None else rows  # the calendar's
                if rows and getattr(self.screen, "table", None) is not None:
                    list_paints.append(time.perf_counter())
                return strip

            return render_line

        for cls in originals:
            cls.render_line = painted_rows(cls)  # type: ignore[method-assign]

        async def shown_ms(press, screen_type) -> float:  # type: ignore[no-untyped-def]
            """From the key press to the screen's rows painted, then back to the grid."""
            list_paints.clear()
            t0 = time.perf_counter()
            await press()
            while not (isinstance(app.screen, screen_type) and list_paints):
                if time.perf_counter() - t0 > 60:
                    raise TimeoutError(f"{screen_type.__name__}: no rows painted in 60 s")
                await asyncio.sleep(0.0005)
            done = list_paints[0] - t0
            await pilot.pause()
            app.pop_screen()
            await pilot.pause()
            return done * 1000

        async def picked(dimension: str) -> float:
            """`b`, the dimension highlighted in the picker, then time its Enter."""
            await pilot.press("b")
            while not isinstance(app.screen, ChoiceDialog):
                await asyncio.sleep(0.001)
            await pilot.pause()
            options = app.screen.query_one(OptionList)
            ids = [options.get_option_at_index(i).id for i in range(options.option_count)]
            options.highlighted = ids.index(dimension)
            await pilot.pause()
            return await shown_ms(lambda: pilot.press("enter"), BreakdownScreen)

        main.query_one(LineGrid).focus()
        await pilot.pause()
        for dim in ("origin", "program", "importer", "entry_month"):
            results[f"breakdown_{dim}_ms"] = await picked(dim)
        await change(ViewSpec(countries=("CN",)))
        results["breakdown_port_of_CN_ms"] = await picked("port")
        await change(ViewSpec())
        results["calendar_ms"] = await shown_ms(lambda: pilot.press("D"), CalendarScreen)
        for cls, render_line in originals.items():
            cls.render_line = render_line  # type: ignore[method-assign]

        grid = main.query_one(LineGrid)
        grid.focus()
        await pilot.pause()
        key_times: list[float] = []
        for i in range(keys):
            paints.clear()
            t0 = time.perf_counter()
            await pilot.press("down" if i % 10 != 9 else "pagedown")
            while not paints:
                await asyncio.sleep(0.0005)
            key_times.append(paints[-1] - t0)
        results["cursor_key_median_ms"] = statistics.median(key_times) * 1000
        results["cursor_key_p90_ms"] = sorted(key_times)[int(len(key_times) * 0.9)] * 1000
        paints.clear()
        t0 = time.perf_counter()
        await pilot.press("end")
        while not paints:
            await asyncio.sleep(0.0005)
        results["jump_to_bottom_ms"] = (paints[-1] - t0) * 1000
    LineGrid.render_line = original  # type: ignore[method-assign]
    results["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return results


def main(argv: list[str] | None = None) -> int:
    """Generate (or take) an export, time the core and the app, print the numbers."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--csv", type=Path, help="existing export (default: generate)")
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--keys", type=int, default=60, help="cursor key presses to time")
    parser.add_argument("--skip-core", action="store_true", help="do not time the core alone")
    parser.add_argument(
        "--whole", action="store_true", help="read every column at load (no lazy file columns)"
    )
    args = parser.parse_args(argv)
    from itrac_tui.allocator import keep_freed_blocks

    keep_freed_blocks()  # as the app's entry point does (cli.main), before anything is read
    if args.whole:
        from itrac_tui.tui.app import ItracApp

        ItracApp.lazy_min_bytes = 1 << 62
    path = args.csv or make_csv(args.lines, Path("/tmp") / f"itrac_bench_{args.lines}.csv")
    print(f"export: {path} ({path.stat().st_size / 1e6:.0f} MB)")
    if not args.skip_core:
        scan, full, n = core_time(path)
        print(f"core: {n:,} lines; scan-style load+classify {scan:.2f}s; full load {full:.2f}s")
    results = asyncio.run(bench_app(path, args.keys))
    for key, value in results.items():
        print(f"{key:<28} {value:10.3f}")
    ok = (
        results["beyond_core_s"] <= 2.5
        and results["filter_change_max_ms"] <= 150
        and results["cursor_key_median_ms"] <= 50
        and all(v <= 150 for k, v in results.items() if k.startswith(("breakdown", "calendar")))
    )
    print("within budget" if ok else "OVER BUDGET")
    return 0


if __name__ == "__main__":
    sys.exit(main())
