"""Legacy office files through LibreOffice headless.

DOC/WPS become DOCX (read by `extract_docx`); XLS/XLSX/ET become HTML, whose
tables (merged cells as rowspan/colspan) `html_tables` reads — no
spreadsheet library needed. Each conversion runs in its own temp dir with a
private LibreOffice profile (parallel conversions otherwise fight over the
user profile lock), under a timeout that kills the whole process group.
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

TIMEOUT_S = 120
# LibreOffice filter names: the spreadsheet HTML export keeps merged cells as spans.
TARGETS = {"docx": "docx:MS Word 2007 XML", "html": "html:HTML (StarCalc)"}


class ConversionError(Exception):
    """LibreOffice is missing, timed out, or could not read the file."""


def soffice_path() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert(data: bytes, source_ext: str, target: str, *, name: str = "", timeout: float = TIMEOUT_S) -> bytes:
    """Convert `data` (a .`source_ext` file) to `target` ("docx" or "html") and return the bytes."""
    label = name or f"<{source_ext} document>"
    soffice = soffice_path()
    if soffice is None:
        raise ConversionError(f"cannot convert {label}: LibreOffice (soffice) is not installed")
    with tempfile.TemporaryDirectory(prefix="nianbao-soffice-") as tmp:
        work = Path(tmp)
        src = work / f"input.{source_ext}"  # never the remote name: it is untrusted
        src.write_bytes(data)
        out_dir = work / "out"
        profile = work / "profile"
        cmd = [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore", "--nolockcheck",
               "--convert-to", TARGETS[target], "--outdir", str(out_dir), str(src)]
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
                                env={**os.environ, "HOME": str(work)})
        try:
            _out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            raise ConversionError(f"LibreOffice timed out after {timeout:.0f}s converting {label}") from None
        results = list(out_dir.glob("input.*")) if out_dir.exists() else []
        if proc.returncode != 0 or not results:
            detail = err.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no output file"]
            raise ConversionError(f"LibreOffice could not convert {label} to {target}: {detail[0][:200]}")
        return results[0].read_bytes()
