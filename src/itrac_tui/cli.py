"""Command line: `itrac-tui [FILE...]` opens the app; `scan`, `export`, `reconcile` run headless."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from datetime import date

from itrac_tui import __version__

COMMANDS = ("scan", "export", "reconcile")


def _as_of(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def _common(p: argparse.ArgumentParser, files_required: bool = False) -> None:
    p.add_argument(
        "files",
        nargs="+" if files_required else "*",
        metavar="FILE",
        help="export file(s), folder or glob; several files are parts of one export "
        "(none: the bundled sample)",
    )
    p.add_argument("--as-of", type=_as_of, default=None, help="working date (default: today)")
    p.add_argument("--rules", metavar="FILE", default=None, help="rules TOML overriding defaults")
    p.add_argument(
        "--mapping",
        metavar="FILE",
        default=None,
        help='column mapping TOML (field = "Header"), overriding saved mappings',
    )


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for all commands."""
    parser = argparse.ArgumentParser(
        prog="itrac-tui",
        description="Terminal workbench for IEEPA refunds from ACE ITRAC exports.",
    )
    parser.add_argument("--version", action="version", version=f"itrac-tui {__version__}")
    sub = parser.add_subparsers(dest="command")

    scan = sub.add_parser("scan", help="summarise refund pathways (table or --json)")
    _common(scan)
    scan.add_argument("--json", action="store_true", help="print the summary as JSON")

    from itrac_tui.commands import export as export_cmd
    from itrac_tui.commands import reconcile as reconcile_cmd

    export = sub.add_parser("export", help="write filtered lines, CAPE declaration, worklists")
    _common(export)
    export_cmd.add_arguments(export)

    reconcile = sub.add_parser("reconcile", help="compare ITRAC per entry with AP records")
    _common(reconcile)
    reconcile_cmd.add_arguments(reconcile)
    return parser


def _app_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="itrac-tui",
        description="Terminal workbench for IEEPA refunds from ACE ITRAC exports. "
        f"Headless commands: {', '.join(COMMANDS)} (itrac-tui COMMAND --help).",
    )
    parser.add_argument("--version", action="version", version=f"itrac-tui {__version__}")
    _common(parser)
    parser.add_argument("--theme", default=None, help="theme name (see themes/)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `itrac-tui` console script."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list and args_list[0] in COMMANDS:
        args = build_parser().parse_args(args_list)
        from itrac_tui.commands import export as export_cmd
        from itrac_tui.commands import reconcile as reconcile_cmd
        from itrac_tui.commands import scan as scan_cmd

        runner = {"scan": scan_cmd.run, "export": export_cmd.run, "reconcile": reconcile_cmd.run}
        try:
            return runner[args.command](args)
        except KeyboardInterrupt:
            print("itrac-tui: interrupted", file=sys.stderr)
            return 130
        except Exception as exc:  # last resort: one line, never a traceback for users
            if os.environ.get("ITRAC_TUI_DEBUG"):
                raise
            line = " ".join(str(exc).split()) or type(exc).__name__
            print(
                f"itrac-tui: unexpected error: {line} (ITRAC_TUI_DEBUG=1 shows details)",
                file=sys.stderr,
            )
            return 1
    args = _app_parser().parse_args(args_list)
    from itrac_tui.tui.app import run_app  # Textual is imported only here

    return run_app(
        files=args.files,
        as_of=args.as_of,
        rules=args.rules,
        mapping=args.mapping,
        theme=args.theme,
    )


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
