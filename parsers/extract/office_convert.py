"""Legacy office files through LibreOffice headless.

DOC/WPS become DOCX (read by `extract_docx`); XLS/XLSX/ET become HTML, whose
tables (merged cells as rowspan/colspan) `html_tables` reads — no
spreadsheet library needed. Each conversion runs in its own temp dir with a
private LibreOffice profile (parallel conversions otherwise fight over the
user profile lock), under a timeout that kills the whole process group.

Starting soffice costs about a second, far more than converting a report, so
`convert_many` converts a whole batch in one soffice invocation
(`--convert-to X --outdir DIR f1 f2 ...`). A file the batch leaves without
output (a corrupt file, or soffice dying on it mid-batch) is converted again
alone, so one bad file never costs the others their conversion and gets the
same error it would have got alone.
"""
from __future__ import annotations

import logging
import os
import shutil
import signal
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

TIMEOUT_S = 120
BATCH_TIMEOUT_PER_FILE_S = 15  # on top of TIMEOUT_S: a batch's files convert in about a second each
# LibreOffice filter names: the spreadsheet HTML export keeps merged cells as spans.
TARGETS = {"docx": "docx:MS Word 2007 XML", "html": "html:HTML (StarCalc)"}

log = logging.getLogger("nianbao.extract.office")


class ConversionError(Exception):
    """LibreOffice is missing, timed out, or could not read the file."""


@dataclass(frozen=True)
class ConversionJob:
    data: bytes
    source_ext: str
    target: str  # a key of TARGETS
    name: str = ""  # for messages only: the remote name is never used as a file name (untrusted)


def soffice_path() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


@dataclass
class _Run:
    returncode: int | None  # None: killed at the timeout
    stderr: str


def _run_soffice(soffice: str, work: Path, sources: list[Path], target: str, out_dir: Path, timeout: float) -> _Run:
    profile = work / "profile"
    cmd = [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore", "--nolockcheck",
           "--convert-to", TARGETS[target], "--outdir", str(out_dir), *map(str, sources)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
                            env={**os.environ, "HOME": str(work)})
    try:
        _out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        _out, err = proc.communicate()
        return _Run(None, err.decode("utf-8", "replace"))
    return _Run(proc.returncode, err.decode("utf-8", "replace"))


def _output_of(out_dir: Path, stem: str) -> Path | None:
    found = sorted(out_dir.glob(f"{stem}.*")) if out_dir.exists() else []
    return found[0] if found else None


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
        run = _run_soffice(soffice, work, [src], target, out_dir, timeout)
        if run.returncode is None:
            raise ConversionError(f"LibreOffice timed out after {timeout:.0f}s converting {label}")
        result = _output_of(out_dir, "input")
        if run.returncode != 0 or result is None:
            detail = run.stderr.strip().splitlines()[-1:] or ["no output file"]
            raise ConversionError(f"LibreOffice could not convert {label} to {target}: {detail[0][:200]}")
        return result.read_bytes()


def convert_many(jobs: Sequence[ConversionJob], *, timeout: float = TIMEOUT_S) -> list[bytes | ConversionError]:
    """Convert every job, one soffice invocation per target format for the whole batch.

    Returns, in order, each job's converted bytes or the `ConversionError` that
    converting it alone raised. A job the batch left without output is
    converted alone (and the reason logged), so its result is what `convert`
    gives it.
    """
    results: list[bytes | ConversionError | None] = [None] * len(jobs)
    soffice = soffice_path()
    for target in sorted({job.target for job in jobs}):
        indices = [i for i, job in enumerate(jobs) if job.target == target]
        if soffice is None or len(indices) == 1:
            for i in indices:
                results[i] = _convert_alone(jobs[i], timeout)
            continue
        missed = _convert_batch(soffice, jobs, indices, target, results, timeout)
        for i, reason in missed.items():
            log.warning("LibreOffice batch of %d left %s without output (%s); converting it alone",
                        len(indices), jobs[i].name or f"<{jobs[i].source_ext} document>", reason)
            results[i] = _convert_alone(jobs[i], timeout)
    return results  # type: ignore[return-value]  (every slot filled above)


def _convert_alone(job: ConversionJob, timeout: float) -> bytes | ConversionError:
    try:
        return convert(job.data, job.source_ext, job.target, name=job.name, timeout=timeout)
    except ConversionError as exc:
        return exc


def _convert_batch(soffice: str, jobs: Sequence[ConversionJob], indices: list[int], target: str,
                   results: list, timeout: float) -> dict[int, str]:
    """Fill `results` for the batch's converted files; return {index: why not} for the others."""
    batch_timeout = timeout + BATCH_TIMEOUT_PER_FILE_S * (len(indices) - 1)
    with tempfile.TemporaryDirectory(prefix="nianbao-soffice-") as tmp:
        work = Path(tmp)
        sources = []
        for k, i in enumerate(indices):
            src = work / f"input{k}.{jobs[i].source_ext}"  # numbered, never the remote name
            src.write_bytes(jobs[i].data)
            sources.append(src)
        out_dir = work / "out"
        run = _run_soffice(soffice, work, sources, target, out_dir, batch_timeout)
        outputs = [_output_of(out_dir, f"input{k}") for k in range(len(indices))]
        if run.returncode is None:
            # soffice converts in argument order: the last output may be half written when it was killed.
            last = max((k for k, out in enumerate(outputs) if out is not None), default=None)
            if last is not None:
                outputs[last] = None
        missed: dict[int, str] = {}
        for k, i in enumerate(indices):
            if outputs[k] is not None:
                results[i] = outputs[k].read_bytes()
            elif run.returncode is None:
                missed[i] = f"the batch timed out after {batch_timeout:.0f}s"
            else:
                detail = run.stderr.strip().splitlines()[-1:] or ["no message"]
                missed[i] = f"soffice exit {run.returncode}: {detail[0][:200]}"
        return missed
