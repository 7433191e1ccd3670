"""`nianbao search QUERY --db ARCHIVE.db`: ranked hits, or a JSON array with --json.

Imports nothing from Prefect or the crawlers, so it answers in well under a second.
"""
from __future__ import annotations

import argparse
import json
import sqlite3
import sys
from pathlib import Path

import sqlite_utils

from . import search as search_mod
from .errors import UserError


def open_archive(path: str) -> sqlite_utils.Database:
    """The archive at `path`, with its search index built if it has none yet."""
    p = Path(path)
    if not p.is_file():
        raise UserError(f"{path}: no such archive (run `nianbao harvest --db {path}` first)")
    try:
        db = sqlite_utils.Database(str(p))
        db.execute("PRAGMA busy_timeout=30000")
        has_reports = db["reports"].exists() and db["documents"].exists()
    except sqlite3.DatabaseError as exc:
        raise UserError(f"{path}: not a SQLite archive ({exc})") from None
    if not has_reports:
        raise UserError(f"{path}: not a nianbao archive (no reports/documents tables)")
    indexed = search_mod.index_exists(db) and \
        db.execute(f"SELECT 1 FROM {search_mod.SOURCE_TABLE} LIMIT 1").fetchone() is not None
    if not indexed and db.execute("SELECT 1 FROM documents WHERE text <> '' LIMIT 1").fetchone():
        print(f"nianbao search: building the search index of {path} (once)…", file=sys.stderr)
        try:
            search_mod.refresh_index(db)
        except sqlite3.OperationalError as exc:
            raise UserError(f"{path}: has no search index and cannot be written to build one ({exc})") from None
    return db


def _bold(snippet: str, tty: bool) -> str:
    if not tty:
        return snippet
    parts = snippet.split("**")
    return "".join(p if i % 2 == 0 else f"\033[1;31m{p}\033[0m" for i, p in enumerate(parts))


def run(args: argparse.Namespace) -> int:
    if args.limit is not None and args.limit < 1:
        raise UserError(f"--limit must be at least 1, not {args.limit}")
    if not (args.query or "").strip():
        raise UserError("the search query is empty")
    db = open_archive(args.db)
    hits = search_mod.search(db, args.query, year=args.year, agency=args.agency, region=args.region,
                             template=args.template, limit=args.limit)
    try:
        _print(hits, args)
    except BrokenPipeError:  # `nianbao search … | head`: the reader has all it wants
        sys.stderr.close()
    return 0


def _print(hits: list[search_mod.Hit], args: argparse.Namespace) -> None:
    if args.json:
        json.dump([h.to_dict() for h in hits], sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
        return
    tty = sys.stdout.isatty()
    for n, h in enumerate(hits, 1):
        place = " ".join(x for x in (h.province, h.city, h.county) if x)
        head = " · ".join(str(x) for x in (h.agency or "?", h.year or "?", place, f"template {h.template}") if x)
        print(f"{n}. {head}  [report {h.report_id}]")
        if h.title:
            print(f"   {h.title}")
        if h.snippet:
            print(f"   {_bold(h.snippet, tty)}")
        if h.url:
            print(f"   {h.url}")
    filters = ", ".join(f"--{k} {getattr(args, k)}" for k in ("year", "agency", "region", "template")
                        if getattr(args, k) not in (None, ""))
    if not hits:
        print(f"no report contains {args.query!r}" + (f" with {filters}" if filters else "")
              + " (spacing, case and full/half-width forms are ignored; every length of query works)",
              file=sys.stderr)
        return
    print(f"{len(hits)} report{'s' if len(hits) != 1 else ''} match {args.query!r}"
          + (f" with {filters}" if filters else "")
          + (f" (showing at most {args.limit})" if args.limit else ""), file=sys.stderr)
