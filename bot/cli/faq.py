"""``gridbot faq list | add | edit | remove``: the knowledge base residents' questions are answered from.

The base lives in Redis (seeded once from training_data/faq.yaml); a change is in use in every running
process within a second. Bad input is one line ``gridbot: error: …`` and changes nothing.
"""

from __future__ import annotations

import argparse
from dataclasses import asdict, replace
from typing import Any

from redis.asyncio import Redis

from nlp.faq import FaqEntry
from nlp.faq_data import FaqDataError, entry_problem

from bot.app.config import Settings
from bot.app.runtime import redis_connection
from bot.cli.support import CliError, print_rows, run_async
from bot.faq.store import FaqRefusal, FaqStore
from bot.texts import faq as faq_texts


def register(commands: argparse._SubParsersAction) -> None:
    """Add the knowledge-base commands."""
    faq = commands.add_parser("faq", help="the knowledge base that answers residents' questions")
    sub = faq.add_subparsers(dest="faq_command", metavar="ACTION", required=True)
    lst = sub.add_parser("list", help="every entry (id, reviewed, question; --json: everything)")
    lst.add_argument("--json", action="store_true")
    lst.set_defaults(handler=run_async(list_entries))
    add = sub.add_parser("add", help="add an entry")
    add.add_argument("--id", required=True, dest="entry_id", help="2–48 of a–z, 0–9 and _, starting with a letter")
    add.add_argument("--question", required=True, help="the canonical question")
    add.add_argument("--answer", required=True, help="the answer residents get")
    add.add_argument("--example", action="append", default=[], help="another way residents ask it (repeat)")
    add.add_argument("--reviewed", action="store_true", help="the answer was checked with the authority")
    add.set_defaults(handler=run_async(add_entry))
    edit = sub.add_parser("edit", help="change an entry (what is not given stays)")
    edit.add_argument("entry_id", metavar="ID")
    edit.add_argument("--question")
    edit.add_argument("--answer")
    edit.add_argument("--example", action="append", help="replaces all examples (repeat)")
    edit.add_argument("--add-example", action="append", default=[], help="adds one example (repeat)")
    edit.add_argument("--reviewed", action=argparse.BooleanOptionalAction, default=None)
    edit.set_defaults(handler=run_async(edit_entry))
    remove = sub.add_parser("remove", help="remove an entry")
    remove.add_argument("entry_id", metavar="ID")
    remove.set_defaults(handler=run_async(remove_entry))


async def _store(redis: Redis, settings: Settings) -> FaqStore:
    """The base, seeded from faq.yaml first if it never was (so the file's entries can be edited)."""
    store = FaqStore(redis)
    if settings.faq_path.is_file():
        try:
            await store.seed(settings.faq_path)
        except FaqDataError as err:
            raise CliError(str(err)) from None
    return store


def _checked(entry: FaqEntry) -> FaqEntry:
    problem = entry_problem(entry)
    if problem is not None:
        raise CliError(problem)
    return entry


def _done(refusal: FaqRefusal | None, entry_id: str, what: str) -> int:
    """Say what was done to the entry, or why nothing was (one line, status 1)."""
    if refusal is not None:
        raise CliError(faq_texts.refusal(refusal, entry_id))
    print(f"FAQ entry {entry_id} {what}")
    return 0


def _line(row: dict[str, Any]) -> str:
    mark = "" if row["reviewed"] else f"  [{faq_texts.CONSOLE_NOT_REVIEWED}]"
    return f"{row['id']}\t{row['question']}\t{len(row['examples'])} examples{mark}"


async def list_entries(args: argparse.Namespace, settings: Settings) -> int:
    async with redis_connection(settings) as redis:
        entries = await (await _store(redis, settings)).entries()
    if not entries and not args.json:
        print("the knowledge base is empty; add an entry with `gridbot faq add`")
        return 0
    print_rows([{**asdict(entry), "examples": list(entry.examples)} for entry in entries], args.json, _line)
    return 0


async def add_entry(args: argparse.Namespace, settings: Settings) -> int:
    entry = _checked(FaqEntry(id=args.entry_id.strip(), question=args.question.strip(), answer=args.answer.strip(),
                              examples=tuple(e.strip() for e in args.example), reviewed=args.reviewed))
    async with redis_connection(settings) as redis:
        refusal = await (await _store(redis, settings)).add(entry)
    return _done(refusal, entry.id, f"added ({len(entry.examples)} examples)")


async def edit_entry(args: argparse.Namespace, settings: Settings) -> int:
    async with redis_connection(settings) as redis:
        store = await _store(redis, settings)
        entry = await store.get(args.entry_id)
        if entry is None:
            raise CliError(faq_texts.refusal("unknown", args.entry_id))
        examples = tuple(e.strip() for e in args.example) if args.example is not None else entry.examples
        changed = _checked(replace(
            entry, question=(args.question or entry.question).strip(), answer=(args.answer or entry.answer).strip(),
            examples=examples + tuple(e.strip() for e in args.add_example),
            reviewed=entry.reviewed if args.reviewed is None else args.reviewed))
        refusal = await store.edit(changed)
    return _done(refusal, entry.id, "changed")


async def remove_entry(args: argparse.Namespace, settings: Settings) -> int:
    async with redis_connection(settings) as redis:
        refusal = await (await _store(redis, settings)).remove(args.entry_id)
    return _done(refusal, args.entry_id, "removed")
