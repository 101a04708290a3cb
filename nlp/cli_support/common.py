"""What every command shares: reading its inputs, checking ``--out`` first, listing the failures at the
end (exit code 2), one line instead of a traceback for an expected error, and the common options."""
from __future__ import annotations

import functools
from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from ..batch import Failure, check_output_path, expand_inputs, one_line, read_batch
from ..errors import XxgkError
from .console import PROGRESS_MIN_FILES, err, progress_reporter


class TextOrJson(str, Enum):
    """Output as a readable text listing or as JSON (parse, check, summarize)."""

    json = "json"
    text = "text"


def load_reports(paths: list[Path], quiet: bool = False, dedupe: bool = True, processes: int | None = None):
    """Read every input into a Report; returns (reports, inputs, failures). Never raises for a bad file.

    Files with the same content are read once (``dedupe``); the others are named on stderr. A large
    batch is read on ``processes`` processes (None: the available cores; the result is the same).
    """
    from ..analysis.pool import available_cores

    with progress_reporter(not quiet) as tick:
        def reading(done: int, total: int) -> None:
            if total > PROGRESS_MIN_FILES:
                tick("reading reports", done, total)

        batch = read_batch(paths, progress=reading, dedupe=dedupe, processes=processes or available_cores())
    for d in batch.duplicates:
        err.print(f"note: {d.line()}", markup=False, highlight=False)
    return batch.reports, batch.files, batch.failures


def out_file(out: Optional[Path], paths: list[Path], force: bool) -> Optional[Path]:
    """Check a file output (``--out``) before any work: see :func:`nlp.batch.check_output_path`."""
    if out is None:
        return None
    files, _ = expand_inputs(paths)
    return check_output_path(out, files, force=force)


def finish(failures: list[Failure], strict_failed: bool = False) -> None:
    """Print the failures (one line each: file + reason) and exit: 2 if any input failed, 1 if a --strict check failed."""
    if failures:
        err.print(f"[bold red]{len(failures)} file(s) failed:[/]")
        for f in failures:
            err.print(f"  {f.line()}", markup=False, highlight=False)
        raise typer.Exit(2)
    if strict_failed:
        raise typer.Exit(1)



def guard(fn):
    """Turn expected errors (and file-system errors) into one clear line and exit code 2 instead of a traceback."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except XxgkError as e:
            err.print(f"[bold red]xxgk:[/] {one_line(str(e))}", highlight=False)
            raise typer.Exit(2)
        except OSError as e:   # a path the checks above could not foresee (a disk full, a race)
            where = f"{e.filename}: " if e.filename else ""
            err.print(f"[bold red]xxgk:[/] {one_line(where + (e.strerror or str(e)))}", highlight=False)
            raise typer.Exit(2)

    return wrapper


#: every model artefact folder holds its card: the mark of an earlier training run's output
MODEL_CARD = "card.json"
#: the report inputs of a command that reads reports
PATHS = typer.Argument(..., help="report files or directories (searched recursively)")
#: a command's single output file
OUT_FILE = typer.Option(None, "--out", "-o", help="write here instead of stdout")
FORCE = typer.Option(False, "--force", help="overwrite an existing output file or write into a folder that holds other files; analyze: also keep files that show no annual-report signals")

ENGINE_OPTION = typer.Option("local", "--engine", help="where the per-report stages run: local (this process) or dask")
SCHEDULER_OPTION = typer.Option(None, "--scheduler", help="with --engine dask: a running scheduler, e.g. tcp://HOST:8786")
WORKERS_OPTION = typer.Option(None, "--workers", help="with --engine dask and no --scheduler: start N local Dask workers; "
                              "on the local engine (analyze): N processes for the per-report stages (default: the "
                              "available cores; 1: in this process)")


SCRATCH_OPTION = typer.Option(None, "--scratch", help="with --engine dask: a directory the client and every worker can "
                              "read and write (shared on a cluster) through which compare's stages pass their data, "
                              "so worker memory stays flat in the corpus size (default: in the workers' memory)")


def engine_config(engine: str, scheduler: Optional[str], workers: Optional[int], scratch: Optional[Path] = None):
    """``--engine/--scheduler/--workers/--scratch`` as the engine's configuration."""
    from ..engine import EngineConfig

    return EngineConfig(kind=engine, scheduler=scheduler, workers=workers,
                        compare_scratch=str(scratch) if scratch is not None else None)


DEVICE_OPTION = typer.Option("cpu", "--device", help="where headlines are generated: cpu, cuda or auto (cuda where torch sees a GPU)")
PRECISION_OPTION = typer.Option(None, "--precision", show_default=False,
                                help="the headline model's number format: fp32 (the default: as trained, the same "
                                     "headlines everywhere) or bf16 (faster on CPUs with bfloat16 units and on GPUs)")
BATCH_OPTION = typer.Option(None, "--batch-size", show_default=False,
                            help="model inputs generated together (sorted by length; 1 = one at a time, same "
                                 "headlines) [default: the summarizer's DEFAULT_BATCH_SIZE, 32 as shipped]")


def summary_options(device: str, batch_size: Optional[int], precision: Optional[str] = None) -> dict:
    """``--device/--batch-size/--precision`` as the summaries stage's options (device and precision
    checked before any work; no ``--batch-size``: :data:`nlp.summaries.decoding.DEFAULT_BATCH_SIZE`; no
    ``--precision``: :data:`nlp.summaries.hf.DEFAULT_PRECISION`)."""
    from ..summaries import DEFAULT_PRECISION, resolve_device, resolve_precision
    from ..summaries.decoding import DEFAULT_BATCH_SIZE

    if batch_size is None:
        batch_size = DEFAULT_BATCH_SIZE
    if batch_size < 1:
        raise XxgkError(f"--batch-size must be at least 1 (got {batch_size})")
    device = resolve_device(device)
    return {"device": device, "batch_size": batch_size,
            "precision": resolve_precision(DEFAULT_PRECISION if precision is None else precision)}


def stage_list(stages: Optional[str]) -> Optional[list[str]]:
    """``--stages a,b`` as a list (None when not given)."""
    return [s.strip() for s in stages.split(",") if s.strip()] if stages else None


__all__ = ["TextOrJson", "load_reports", "out_file", "finish", "guard", "MODEL_CARD", "PATHS", "OUT_FILE", "FORCE", "ENGINE_OPTION",
           "SCHEDULER_OPTION", "WORKERS_OPTION", "engine_config", "stage_list", "DEVICE_OPTION", "BATCH_OPTION", "PRECISION_OPTION",
           "summary_options"]
