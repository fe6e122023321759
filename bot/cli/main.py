"""The ``gridbot`` command line: parses arguments, builds settings, runs one command.

Expected failures (bad files, unknown ids) end with one line ``gridbot: error: …`` and exit status 1;
usage mistakes with argparse's message and status 2.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from pydantic import ValidationError

from bot.cli import accounts as cli_accounts
from bot.cli import apikeys as cli_apikeys
from bot.cli import faq as cli_faq
from bot.cli import grids as cli_grids
from bot.cli import nlp as cli_nlp
from bot.cli import patrols as cli_patrols
from bot.cli import people as cli_people
from bot.cli import tickets as cli_tickets
from bot.cli import wechat as cli_wechat
from bot.cli import serve
from bot.cli.support import CliError
from bot.app.config import Settings
from bot.app.log_masking import install_masking
from nlp.artifact import ArtifactError
from nlp.dataset import DatasetError
from nlp.taxonomy import TaxonomyError

EXPECTED_ERRORS = (CliError, DatasetError, ArtifactError, TaxonomyError)


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser with every subcommand."""
    parser = argparse.ArgumentParser(
        prog="gridbot", description="Resident-request service for grid-based city governance."
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    serve.register(commands)
    cli_nlp.register(commands)
    cli_grids.register(commands)
    cli_people.register(commands)
    cli_tickets.register(commands)
    cli_wechat.register(commands)
    cli_apikeys.register(commands)
    cli_accounts.register(commands)
    cli_patrols.register(commands)
    cli_faq.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the exit status."""
    args = build_parser().parse_args(argv)
    install_masking()  # warnings of any command reach stderr masked; `serve` configures its own lines
    try:
        settings = Settings()
    except ValidationError as err:
        first = err.errors()[0]
        # A field is named as the operator set it: the environment variable (GRIDBOT_WECOM_AGENT_ID).
        where = ".".join(str(part) for part in first.get("loc", ()))
        where = f"GRIDBOT_{where.upper()}" if where else "settings"
        print(f"gridbot: error: configuration {where}: {first['msg']}", file=sys.stderr)
        return 1
    try:
        return int(args.handler(args, settings) or 0)
    except EXPECTED_ERRORS as err:
        print(f"gridbot: error: {err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # output piped into `head` and the like: stop quietly
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(main())
