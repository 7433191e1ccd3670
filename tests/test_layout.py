"""The two parser stages keep their imports going one way: bytes → Document
(parsers/extract) → statistics (parsers/report). The report stage must be usable
on a Document from anywhere (a test, OCR, a flattened text) without pulling in
PDF, OCR or office machinery."""
import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    pkg = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = pkg.split(".")[: len(pkg.split(".")) - node.level + 1]
                found.add(".".join(base + ([node.module] if node.module else [])))
            else:
                found.add(node.module or "")
    return found


def test_report_stage_never_imports_extraction_stage():
    offenders = {
        str(p.relative_to(ROOT)): sorted(i for i in _imports(p) if i.startswith("parsers.extract"))
        for p in (ROOT / "parsers" / "report").glob("*.py")
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_extraction_stage_never_imports_report_stage():
    offenders = {
        str(p.relative_to(ROOT)): sorted(i for i in _imports(p) if i.startswith("parsers.report"))
        for p in (ROOT / "parsers" / "extract").glob("*.py")
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_parser_packages_hold_no_upstream_or_downstream_imports():
    # parsers/ sits between crawl and archive: it must not reach into either.
    offenders = {}
    for p in (ROOT / "parsers").rglob("*.py"):
        bad = sorted(i for i in _imports(p) if i.split(".")[0] in {"crawlers", "flows", "archive"})
        if bad:
            offenders[str(p.relative_to(ROOT))] = bad
    assert offenders == {}
