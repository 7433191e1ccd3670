"""`nianbao parse FILE...`: what the archive would hold for these files, without an archive.

Extraction and parsing run in-process through the same functions the harvest's
tasks call (flows/steps.py); no Prefect, no database, no network.
"""
from __future__ import annotations

import argparse
import json
import shutil
import sys
from typing import Any

from archive import labels
from archive.datasette.display import num

from .local_files import LocalFile, read_local_files
from .steps import extract_items, parse_rows


def parse_files(files: list[LocalFile]) -> dict[str, Any]:
    """Several files = one report's documents, as the harvest would version them."""
    from parsers.model import Document
    from parsers.report.identity import identify

    doc_jsons = extract_items([{"body": f.data, "url": f.path, "content_type": None} for f in files])
    docs = [Document.from_json(j) for j in doc_jsons]
    identity = next((i for i in (identify(d) for d in docs) if i is not None), None)
    parsed = parse_rows(None, [{"id": f.path, "document_json": j} for f, j in zip(files, doc_jsons)],
                        year=identity.year if identity else None,
                        agency=identity.agency if identity else None, site_name=None)
    warnings = list(parsed["warnings"])
    if identity is None:
        warnings.insert(0, "not recognised as an annual report: no title names an agency and a year "
                           "(the harvest would skip it; `nianbao add --agency --year` can archive it anyway)")
    cells = [dict(c, file=c.pop("document_id")) for c in parsed["cells"]]
    for c in cells:
        c["flags"] = json.loads(c["flags"]) if c["flags"] else []
    return {
        "template": parsed["report"]["template"],
        "agency": identity.agency if identity else None,
        "agency_key": identity.agency_key if identity else None,
        "year": identity.year if identity else None,
        "title": identity.title if identity else None,
        "report": {k: v for k, v in parsed["report"].items() if k != "template"},
        "files": [{"path": f.path, "sha256": f.sha256, "size": len(f.data), "format": f.format,
                   "extractor": d.extractor, "pages": d.pages, "ocr": d.ocr, "error": d.error, "title": d.title}
                  for f, d in zip(files, docs)],
        "parser": parsed["parser"],
        "cells": cells,
        "checks": parsed["checks"],
        "warnings": warnings,
        "sections": [{"key": s["key"], "heading": s["heading"], "chars": len(s["text"] or "")}
                     for s in parsed["sections"]],
    }


def _fmt(value: Any) -> str:
    return num(value) or "·"  # a blank cell is shown as blank, never as 0


def render(result: dict[str, Any], out=None) -> None:
    """A terminal page: the report's identity, a compact table per statistics table, checks, warnings."""
    from rich.console import Console
    from rich.table import Table

    stream = out or sys.stdout
    width = shutil.get_terminal_size((160, 24)).columns if stream.isatty() else 160
    console = Console(file=stream, highlight=False, width=width)
    template = result["template"]
    for f in result["files"]:
        pages = f" · {f['pages']} 页" if f["pages"] else ""
        console.print(f"[bold]{f['path']}[/]  {f['format']}{pages} · {f['size']:,} bytes · sha256 {f['sha256'][:12]}…"
                      f" · {f['extractor'] or '—'}" + (" · OCR" if f["ocr"] else ""))
        if f["error"]:
            console.print(f"  [red]提取失败 extraction failed:[/] {f['error']}")
    console.print(f"模板 template  {template}")
    console.print(f"机关 agency    {result['agency'] or '—'}" + (f"  ({result['agency_key']})" if result["agency_key"] else ""))
    console.print(f"年度 year      {result['year'] or '—'}")
    region = " ".join(v for v in (result["report"].get("province"), result["report"].get("city"),
                                  result["report"].get("county")) if v)
    if region or result["report"].get("level"):
        console.print(f"地区 region    {region or '—'}  (level {result['report'].get('level') or '—'})")
    by_table: dict[str, list[dict[str, Any]]] = {}
    for c in result["cells"]:
        by_table.setdefault(c["table_name"], []).append(c)
    for table, cells in by_table.items():
        rows = list(dict.fromkeys(c["row_key"] for c in cells))
        cols = list(dict.fromkeys(c["col_key"] for c in cells))
        grid = {(c["row_key"], c["col_key"]): c for c in cells}
        pages = sorted({c["page"] for c in cells if c["page"]})
        where = sorted({str(c["file"]) for c in cells})
        caption = f"{', '.join(where)}" + (f" p.{pages[0]}–{pages[-1]}" if len(pages) > 1 else f" p.{pages[0]}" if pages else "")
        t = Table(title=f"{labels.table_label(table)}  [{table}]", caption=f"来源 source: {caption} · 「·」空白 blank · 「*」存疑 flagged",
                  title_justify="left", caption_justify="left", show_lines=False, pad_edge=False)
        t.add_column("行 row", no_wrap=True, overflow="ellipsis", max_width=40)
        for col in cols:
            t.add_column(labels.col_label(table, col), justify="right")
        for row in rows:
            values = []
            for col in cols:
                c = grid.get((row, col))
                doubted = c is not None and bool(labels.doubts(c["flags"]))
                text = "" if c is None else _fmt(c["value"]) + ("*" if doubted else "")
                values.append(f"[yellow]{text}[/]" if doubted else text)
            t.add_row(labels.short_row_label(table, row), *values)
        console.print(t)
    flagged = [c for c in result["cells"] if labels.doubts(c["flags"])]
    if flagged:
        console.print(f"[yellow]* {len(flagged)} 个存疑单元格 flagged cells[/]")
        for c in flagged:
            console.print(f"  {c['table_name']}.{c['row_key']}.{c['col_key']} = {_fmt(c['value'])}"
                          f"  ({'、'.join(labels.flag_label(f) for f in c['flags'])})"
                          f"  raw {c['raw_text']!r}" + (f" p.{c['page']}" if c["page"] else ""))
    if not result["cells"]:
        console.print("未找到统计数字 no statistics found")
    if result["checks"]:
        console.print("[bold]校验 checks[/]")
    for k in result["checks"]:
        mark = {1: "[green]✓[/]", 0: "[red]✗[/]", None: "?"}[k["passed"]]
        console.print(f"  {mark} {labels.check_label(k['check_name'])} [{k['check_name']}] "
                      f"{labels.PASSED_LABELS[k['passed']]}" + (f": {k['detail']}" if k["detail"] and k["passed"] != 1 else ""))
    if result["warnings"]:
        console.print("[bold]提示 warnings[/]")
    for w in result["warnings"]:
        console.print(f"  ! {w}")
    console.print(f"{len(result['cells'])} cells, {sum(1 for k in result['checks'] if k['passed'] == 0)} failed checks, "
                  f"{len(result['warnings'])} warnings · {result['parser']} · `--json` for every cell's raw text and page")


def run(args: argparse.Namespace) -> int:
    files = read_local_files(args.files)  # a missing/unreadable file: UserError → exit 2
    result = parse_files(files)
    if args.json:
        json.dump(result, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        render(result)
    return 0
