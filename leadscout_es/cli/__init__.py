"""The command line: a thin layer over the library, one module per verb.

Errors become one line on stderr (``error: ... (hint: ...)``) and an exit code:
0 done, 1 unexpected, 2 bad usage or input, 3 job locked, 130/143 interrupted.
"""

from __future__ import annotations

import argparse
import sys
import traceback
from collections.abc import Sequence
from typing import NoReturn

from leadscout_es import __version__
from leadscout_es.cli import (
    cancel,
    confirm,
    evaluate,
    ingest,
    jobs,
    project,
    replay,
    rules,
    status,
)
from leadscout_es.cli.output import print_json
from leadscout_es.errors import LeadScoutError

VERBS = (ingest, replay, project, jobs, status, cancel, rules, confirm, evaluate)


class _Parser(argparse.ArgumentParser):
    """argparse with the house error style: one line with a hint, exit 2."""

    def error(self, message: str) -> NoReturn:
        sys.stderr.write(f"error: {message} (hint: run `{self.prog} --help`)\n")
        sys.exit(2)


def build_parser() -> argparse.ArgumentParser:
    common = _Parser(add_help=False)
    common.add_argument(
        "--home",
        default=argparse.SUPPRESS,
        help="LeadScout home directory (env LEADSCOUT_HOME, default ./.leadscout)",
    )
    common.add_argument(
        "--debug", action="store_true", default=argparse.SUPPRESS, help="show tracebacks"
    )
    parser = _Parser(
        prog="leadscout-es",
        description="Estimate South African population groups from director names in lead "
        "spreadsheets, with a crash-safe, resumable job log.",
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"leadscout-es {__version__}")
    sub = parser.add_subparsers(
        dest="verb", metavar="COMMAND", required=True, parser_class=_Parser
    )
    for verb in VERBS:
        verb.register(sub, common)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    debug = bool(getattr(args, "debug", False))
    try:
        code: int = args.run(args)
        return code
    except LeadScoutError as exc:
        return _report(exc.message, exc.hint, exc.exit_code, args, debug)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 1
    except Exception as exc:  # the last line of defence: no raw traceback unless --debug
        message = f"unexpected error: {type(exc).__name__}: {exc}"
        return _report(message, "re-run with --debug and report the traceback", 1, args, debug)


def _report(message: str, hint: str, code: int, args: argparse.Namespace, debug: bool) -> int:
    if debug:
        traceback.print_exc()
    line = f"error: {message}" + (f" (hint: {hint})" if hint else "")
    print(line, file=sys.stderr)
    if getattr(args, "json", False):
        print_json({"error": message, "hint": hint, "exit_code": code})
    return code
