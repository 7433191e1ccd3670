"""Versions of nianbao and the libraries whose output it stores, for provenance."""
from __future__ import annotations

import functools
import os
from importlib.metadata import PackageNotFoundError, version


# Read once per process: the modules already imported are that version whatever is installed later,
# and each read scans site-packages (every extraction task's cache key asks for six).
@functools.lru_cache(maxsize=None)
def _version(dist: str) -> str | None:
    try:
        return version(dist)
    except PackageNotFoundError:
        return None


NIANBAO_VERSION = _version("nianbao") or "0+unknown"

TRACKED = ("nianbao", "scrapy", "trafilatura", "pdfminer.six", "pypdfium2", "python-docx",
           "prefect", "sqlite-utils", "datasette", "warcio", "lxml")


def dependency_versions() -> dict[str, str | None]:
    return {dist: _version(dist) for dist in TRACKED}


EXTRACTORS = ("nianbao", "trafilatura", "pdfminer.six", "pypdfium2", "python-docx", "lxml")


def extractor_stack() -> str:
    """One string that changes whenever anything that shapes extraction output changes: the libraries'
    versions and the PDF layout backend chosen (NIANBAO_PDF_LAYOUT, read by parsers.extract.pdf)."""
    from parsers.extract.pdf import LAYOUT_ENV, layout_backend

    try:
        backend = layout_backend()
    except ValueError:  # a misspelt value: every PDF records the error itself; the key just has to differ
        backend = os.environ.get(LAYOUT_ENV, "")
    return ";".join([f"{d}={_version(d)}" for d in EXTRACTORS] + [f"pdf_layout={backend}"])
