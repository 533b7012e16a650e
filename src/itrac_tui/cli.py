"""Command line: `itrac-tui [FILE...]` opens the app; `scan`, `export`, `reconcile` run headless.

Safe in scripts: an unknown command or flag is one line with a suggestion (exit 2); the app
refuses to start without a terminal; a closed stdout (`scan --json | head`) ends quietly; text
written by the headless commands never carries raw terminal control characters.
"""

from __future__ import annotations

import argparse
import contextlib
import difflib
import gc
import io
import os
import signal
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from typing import NoReturn, TextIO

from itrac_tui import __version__
from itrac_tui.allocator import keep_freed_blocks
from itrac_tui.core.errors import printable

COMMANDS = ("scan", "export", "reconcile")
GC_YOUNG_OBJECTS = 50_000  # a headless command's collector runs after this many new objects
COMMAND_HELP = {
    "scan": "summarise refund pathways (table or --json)",
    "export": "write filtered lines, CAPE declaration, worklists",
    "reconcile": "compare ITRAC per entry with AP records",
}
EXAMPLES = """\
examples:
  itrac-tui                                  open the app on the bundled sample
  itrac-tui exports/                         open the app on every part in a folder
  itrac-tui scan --json ES003.csv            the refund position as JSON (for scripts)
  itrac-tui export --pathway protest -o protest.csv ES003.csv
  itrac-tui reconcile --ap ap.csv --tolerance 0.05 ES003.csv
"""


class Parser(argparse.ArgumentParser):
    """argparse with one-line errors (exit 2) that suggest the nearest flag or command."""

    def error(self, message: str) -> NoReturn:
        """Print one line (with a "did you mean" when a flag is close to a known one); exit 2."""
        hint = ""
        for word in message.replace(",", " ").split():
            if word.startswith("-"):
                owners = self._commands_of(word)
                if owners:  # a flag of another command: say whose, not "did you mean" itself
                    hint = f" ({word} is an option of {' and '.join(owners)})"
                    break
                close = difflib.get_close_matches(word, self._option_names(), n=1, cutoff=0.6)
                if close:
                    hint = f" (did you mean {close[0]}?)"
                    break
        line = printable(" ".join(f"{self.prog}: {message}{hint}".split()))
        self.exit(2, f"{line} (see {self.prog.split()[0]} --help)\n")

    def _commands_of(self, flag: str) -> list[str]:
        """The commands that take `flag`, when this parser (a command's) does not."""
        if flag in self._option_string_actions:
            return []
        return [name for name, sub in self._subcommands() if flag in sub._option_string_actions]

    def _subcommands(self) -> list[tuple[str, argparse.ArgumentParser]]:
        return [
            (name, sub)
            for action in self._actions
            if isinstance(action, argparse._SubParsersAction)
            for name, sub in action.choices.items()
        ]

    def _option_names(self) -> list[str]:
        names = [o for action in self._actions for o in action.option_strings]
        for _name, sub in self._subcommands():  # the subcommands' flags too ("scan --jsn")
            names.extend(o for a in sub._actions for o in a.option_strings)
        return names


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
    p.add_argument(
        "--distinct-parts",
        action="store_true",
        help="the parts are distinct exports: an entry line found in two parts counts twice "
        "(default: it is reported and counted once; a file given twice is always read once)",
    )


def _claims(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--claims",
        nargs="+",
        metavar="FILE",
        default=None,
        help="CAPE claim results (ACE Portal Claim Details CSV): status per entry; claimed "
        "entries are never declared again",
    )


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for all commands."""
    parser = Parser(
        prog="itrac-tui",
        description="Terminal workbench for IEEPA refunds from ACE ITRAC exports.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"itrac-tui {__version__}")
    sub = parser.add_subparsers(dest="command", parser_class=Parser)

    from itrac_tui.commands import export as export_cmd
    from itrac_tui.commands import reconcile as reconcile_cmd

    scan = sub.add_parser("scan", help=COMMAND_HELP["scan"])
    _common(scan)
    _claims(scan)
    scan.add_argument("--json", action="store_true", help="print the summary as JSON")
    export_cmd.add_filter_arguments(scan)  # the figures of a view, as the TUI's pane shows them

    export = sub.add_parser("export", help=COMMAND_HELP["export"])
    _common(export)
    _claims(export)
    export_cmd.add_arguments(export)

    reconcile = sub.add_parser("reconcile", help=COMMAND_HELP["reconcile"])
    _common(reconcile)
    reconcile_cmd.add_arguments(reconcile)
    return parser


def theme_names() -> list[str]:
    """Names of the shipped themes (read from their TOML files, without importing Textual)."""
    import tomllib

    from itrac_tui.resources import data_dir

    names = []
    try:
        for path in sorted(data_dir("themes").glob("*.toml")):
            with path.open("rb") as fh:
                name = tomllib.load(fh).get("name")
            if isinstance(name, str):
                names.append(name)
    except (OSError, tomllib.TOMLDecodeError):
        pass
    return names


def _app_parser() -> argparse.ArgumentParser:
    commands = "\n".join(f"  {name:<10} {text}" for name, text in COMMAND_HELP.items())
    themes = ", ".join(theme_names()) or "(none found)"
    parser = Parser(
        prog="itrac-tui",
        description="Terminal workbench for IEEPA refunds from ACE ITRAC exports.\n\n"
        f"headless commands (itrac-tui COMMAND --help):\n{commands}",
        epilog=f"themes: {themes} (and any in the config folder's themes/)\n\n{EXAMPLES}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"itrac-tui {__version__}")
    _common(parser)
    _claims(parser)
    parser.add_argument("--theme", default=None, help=f"theme name ({themes})")
    return parser


class _Printable(io.TextIOBase):
    """A text stream that writes control characters as escapes (headless output only)."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(printable(text))
        return len(text)

    def flush(self) -> None:
        self._stream.flush()

    def isatty(self) -> bool:
        return self._stream.isatty()


@contextmanager
def _headless_streams() -> Iterator[None]:
    out, err = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = _Printable(out), _Printable(err)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = out, err


def _quiet_broken_pipe() -> None:
    """The reader of stdout went away (`| head`): stop quietly, with nothing more to flush."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.__stdout__.fileno() if sys.__stdout__ else 1)
    except (OSError, ValueError):
        pass


def _exit_now(code: int) -> NoReturn:
    """End the process once a command's output is flushed, without the interpreter's teardown
    (every object, module and thread pool freed one by one: 0.15-0.3 s after a big scan)."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # the reader went away, or it is closed
            stream.flush()
    os._exit(code)


def _terminate(_sig: int, _frame: object) -> None:
    raise KeyboardInterrupt  # so temp files are removed on the way out


def _not_a_command(first: str) -> str | None:
    """A message when `first` looks like a mistyped command rather than a file to open."""
    if first.startswith("-") or os.path.exists(first):
        return None
    close = difflib.get_close_matches(first, COMMANDS, n=1, cutoff=0.6)
    if close:
        return f"unknown command {first!r} (did you mean {close[0]}?)"
    if not any(ch in first for ch in "./\\*?[~") and first.isidentifier():
        return f"unknown command {first!r} (commands: {', '.join(COMMANDS)}; or give a file)"
    return None


def _run_headless(args_list: list[str], own_process: bool = False) -> int:
    from itrac_tui.commands import export as export_cmd
    from itrac_tui.commands import reconcile as reconcile_cmd
    from itrac_tui.commands import scan as scan_cmd

    args = build_parser().parse_args(args_list)
    runner = {"scan": scan_cmd.run, "export": export_cmd.run, "reconcile": reconcile_cmd.run}
    if own_process:  # the modules' objects live to the end: the collector need not look at
        gc.freeze()  # them again, and a command's own (polars expressions) go by their counts
        gc.set_threshold(GC_YOUNG_OBJECTS, *gc.get_threshold()[1:])
    try:
        code = runner[args.command](args)
        sys.stdout.flush()
        return code
    except BrokenPipeError:
        _quiet_broken_pipe()
        return 0
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


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `itrac-tui` console script."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    if argv is None:
        signal.signal(signal.SIGTERM, _terminate)
        keep_freed_blocks()
    if args_list and args_list[0] in COMMANDS:
        with _headless_streams():
            try:
                code = _run_headless(args_list, own_process=argv is None)
            except SystemExit as exc:  # argparse: --help (0) or a usage error (2)
                code = exc.code if isinstance(exc.code, int) else 2
        if argv is None:  # the process is the command's: nothing is left to tear down
            _exit_now(code)
        return code
    if args_list and (problem := _not_a_command(args_list[0])):
        print(f"itrac-tui: {printable(problem)}", file=sys.stderr)
        return 2
    args = _app_parser().parse_args(args_list)
    return _run_app(args)


def _run_app(args: argparse.Namespace) -> int:
    from itrac_tui.commands.common import fail
    from itrac_tui.core.errors import InputError
    from itrac_tui.core.read import resolve_paths

    if not (sys.stdin.isatty() and sys.stderr.isatty()):
        return fail(
            "the app needs a terminal (stdin and stderr are not a TTY); in scripts use "
            "itrac-tui scan | export | reconcile"
        )
    try:
        if args.files:
            resolve_paths(args.files)  # a missing file is one line here, not a screen
    except InputError as exc:
        return fail(str(exc))
    from itrac_tui.tui.app import run_app  # Textual is imported only here

    return run_app(
        files=args.files,
        as_of=args.as_of,
        rules=args.rules,
        mapping=args.mapping,
        theme=args.theme,
        claims=args.claims,
    )


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
