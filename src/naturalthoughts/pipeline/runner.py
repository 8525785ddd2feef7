"""Run a recipe: plan every stage up front (:mod:`.plan`), decide what changed (:mod:`.decide`), run only that.

Each stage runs in a process of its own, ``python -m naturalthoughts STAGE ARGV`` (or under the launcher its
recipe names, :mod:`.launcher`), with the run's environment, so nothing process-wide (offline flags, torch
thread counts, loaded libraries) leaks from one stage into the next. Its output streams through; a failure
records the exit status and the tail of its stderr in the state file, stops the run and keeps every stage
finished before it. ``in_process=True`` (or ``NATURALTHOUGHTS_RUN_IN_PROCESS=1``) calls each command's
``main(args)`` in this process instead (tests that register stage modules of their own).

Nothing the runner writes holds a secret (:mod:`naturalthoughts.core.secrets`): the resolved recipe and the
state files are scrubbed, and the stage processes learn which variables hold secrets by name only.
"""

from __future__ import annotations

import codecs
import collections
import contextlib
import datetime as _dt
import io
import os
import shutil
import subprocess
import sys
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

import yaml

from naturalthoughts.core.secrets import SECRET_ENV_NAMES_ENV, register_secrets, scrub
from naturalthoughts.core.store import MANIFEST_FILE, SUCCESS_FILE, hash_input, is_complete
from naturalthoughts.pipeline.argv import stage_module
from naturalthoughts.pipeline.decide import Decision, decide, output_rows, read_state, write_state
from naturalthoughts.pipeline.plan import (
    RESOLVED_FILE,
    STATE_DIR,
    Plan,
    PlannedInstance,
    plan_recipe,
    plan_secrets,
    resolved_recipe,
)
from naturalthoughts.pipeline.hub_inputs import unavailable_reason
from naturalthoughts.pipeline.launcher import stage_command
from naturalthoughts.pipeline.recipe import (
    STAGE_KINDS,
    STAGE_ORDER,
    Recipe,
    RecipeError,
)


IN_PROCESS_ENV = "NATURALTHOUGHTS_RUN_IN_PROCESS"
STDERR_TAIL_LINES = 40


class RunError(RuntimeError):
    """A stage failed or could not start; earlier stages' outputs are left as they are."""


@contextlib.contextmanager
def _environment(values: dict[str, str]) -> Iterator[None]:
    old = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


@contextlib.contextmanager
def _run_lock(run_dir: Path) -> Iterator[None]:
    """One runner per run folder at a time: two would overwrite each other's stage outputs."""
    import fcntl

    lock_path = run_dir / STATE_DIR / "lock"
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "w") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RunError(f"another `naturalthoughts run` is using {run_dir}; wait for it or use --run-dir") from None
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _select_stage(name: str | None, flag: str) -> str | None:
    if name is None:
        return None
    if name not in STAGE_KINDS:
        raise RecipeError(f"{flag} {name!r}: unknown stage; known stages: {', '.join(STAGE_ORDER)}")
    return name


@dataclass
class RunSummary:
    ran: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    seconds: float = 0.0
    report: Path | None = None


def run_recipe(recipe: Recipe, *, from_stage: str | None = None, until_stage: str | None = None,
               force: tuple[str, ...] = (), echo: Callable[[str], None] | None = None,
               in_process: bool | None = None) -> RunSummary:
    """Run ``recipe``'s stale and pending instances in pipeline order; return what ran and what was skipped.

    ``from_stage``: stages before it are taken as they are (they must be complete; they are not re-run even if
    stale). ``until_stage``: stop after it. ``force``: stage names or ``stage/instance`` keys to re-run even if
    up to date. ``in_process``: call the stage commands in this process (default: one process per stage, or
    ``$NATURALTHOUGHTS_RUN_IN_PROCESS``). Raises :class:`RunError` when a stage fails; everything finished
    before stays. A stale instance's folder is cleared before it re-runs (nothing old can pass for new).
    """
    if in_process is None:
        in_process = os.environ.get(IN_PROCESS_ENV, "").lower() in ("1", "true", "yes")
    echo = echo or (lambda line: print(line, flush=True))
    from_stage = _select_stage(from_stage, "--from")
    until_stage = _select_stage(until_stage, "--until")
    for f in force:
        if f.split("/")[0] not in STAGE_KINDS:
            raise RecipeError(f"--force {f!r}: unknown stage; known stages: {', '.join(STAGE_ORDER)}")
    plan = plan_recipe(recipe)
    known = set(plan.by_key())
    for f in force:
        if "/" in f and f not in known:
            raise RecipeError(f"--force {f!r}: no such stage instance; this recipe has: {', '.join(sorted(known))}")
    run_dir = recipe.run_dir
    run_dir.mkdir(parents=True, exist_ok=True)
    register_secrets(plan_secrets(plan))
    (run_dir / RESOLVED_FILE).write_text(scrub(
        "# Written by `naturalthoughts run`: the recipe with every option resolved (itself a valid recipe).\n"
        "# Secret values (the env: block, API keys, tokens, passwords) are written as <redacted>.\n"
        + yaml.safe_dump(resolved_recipe(plan), sort_keys=False, allow_unicode=True, width=110)
    ))
    summary = RunSummary()
    t_run = time.perf_counter()
    env = {"NATURALTHOUGHTS_CACHE": str(recipe.cache), **recipe.env,
           SECRET_ENV_NAMES_ENV: ",".join(sorted(recipe.env))}
    total = len(plan.items)
    echo(f"naturalthoughts run: recipe {recipe.name!r} ({total} stage instances) → {run_dir}")
    reran: set[str] = set()
    after_until: list[str] = []  # said in one line at the end, not one line each
    with _run_lock(run_dir), _environment(env):
        for idx, p in enumerate(plan.items, 1):
            stage_pos = STAGE_ORDER.index(p.inst.stage)
            tag = f"[{idx}/{total}] {p.key}"
            if until_stage is not None and stage_pos > STAGE_ORDER.index(until_stage):
                after_until.append(p.key)
                continue
            if from_stage is not None and stage_pos < STAGE_ORDER.index(from_stage):
                # not checked here: a later instance that reads it checks its input and names what is missing
                echo(f"{tag}: taken as is (before --from {from_stage})")
                summary.skipped.append(p.key)
                continue
            decision = decide(p, plan)
            forced = p.inst.stage in force or p.key in force
            if decision.status == "done" and not forced:
                rows = output_rows(p.folder)
                echo(f"{tag}: up to date, skipped" + (f" ({rows} rows)" if rows is not None else ""))
                summary.skipped.append(p.key)
                continue
            reasons = (["forced"] if forced else []) + decision.reasons
            _check_inputs_ready(p, plan)
            _precheck(p, plan)
            echo(f"{tag}: running ({'; '.join(reasons)})")
            if decision.status == "stale" and p.folder.exists():
                shutil.rmtree(p.folder)  # its old output answers old options or inputs
            _run_instance(p, decision, lambda line, tag=tag: echo(f"{tag}: {line}"), in_process)
            reran.add(p.key)
            summary.ran.append(p.key)
            if p.inst.stage == "report":
                summary.report = p.folder / "report.html"
    if after_until:
        echo(f"not run (after --until {until_stage}): {', '.join(after_until)}")
    summary.seconds = time.perf_counter() - t_run
    echo(f"done in {summary.seconds:.1f} s: {len(summary.ran)} ran, {len(summary.skipped)} up to date. "
         f"Status: naturalthoughts status {run_dir}")
    report = next((p.folder / "report.html" for p in plan.items if p.inst.stage == "report"), None)
    if report is not None and report.exists():
        summary.report = report
        echo(f"Report: {report}")
    return summary


def _check_inputs_ready(p: PlannedInstance, plan: Plan) -> None:
    by_key = plan.by_key()
    for dep in p.deps:
        d = by_key[dep]
        if p.inst.stage == "report":
            continue  # the report shows whatever exists
        state = read_state(d)
        if not d.folder.exists() or state is None or state.get("status") != "done" or \
                ((d.folder / MANIFEST_FILE).exists() and not is_complete(d.folder)):
            raise RunError(f"{p.key}: its input {dep} ({d.folder}) is missing or incomplete; "
                           f"run without --from (or with --from {d.inst.stage}) to rebuild it")
    for path in p.user_inputs:
        reason = unavailable_reason(path)
        if reason is not None:
            raise RunError(f"{p.key}: {reason}")
        if "://" not in path and not Path(path).exists():  # a remote input is the stage's to read
            raise RunError(f"{p.key}: input path {path} does not exist")


def _precheck(p: PlannedInstance, plan: Plan) -> None:
    """Cheap checks that fail before a stage starts instead of deep inside it."""
    if p.inst.stage == "select" and p.deps:
        n = getattr(p.args, "n", None)
        rows = output_rows(plan.by_key()[p.deps[0]].folder)
        if isinstance(n, int) and rows is not None and n > rows:
            line = p.inst.option_lines.get("n", p.inst.line)
            where = f"{plan.recipe.path}:{line}: " if plan.recipe.path and line else ""
            raise RunError(f"{where}{p.key}: n={n} is larger than its input ({rows} rows in "
                           f"{plan.by_key()[p.deps[0]].folder}); lower `n` or grow the pool")


def _run_instance(p: PlannedInstance, decision: Decision, echo: Callable[[str], None],
                  in_process: bool) -> None:
    p.folder.mkdir(parents=True, exist_ok=True)
    (p.folder / SUCCESS_FILE).unlink(missing_ok=True)  # the old output is no longer current
    started = _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")
    command = None if in_process else stage_command(p.inst.stage, p.argv, p.inst.launcher)
    base_state = {"key": p.key, "stage": p.inst.stage, "folder": str(p.folder), "argv": p.argv,
                  "config_hash": p.config_hash, "config": p.config, "inputs": decision.input_hashes,
                  "started_at": started, "command": command, "launcher": p.inst.launcher}
    write_state(p, {**base_state, "status": "running"})
    t0 = time.perf_counter()
    if in_process:
        error, extra = _call_in_process(p, base_state)
    else:
        assert command is not None
        error, extra = _call_subprocess(p, command, base_state)
    seconds = time.perf_counter() - t0
    if error is None and (p.folder / MANIFEST_FILE).exists() and not is_complete(p.folder):
        error = f"finished without writing {SUCCESS_FILE} in {p.folder}"
    if error is not None:
        write_state(p, {**base_state, **extra, "status": "failed", "error": error,
                        "seconds": round(seconds, 2)})
        tail = "".join(extra.get("stderr_tail") or [])[-2000:]
        raise RunError(scrub(f"{p.key} failed after {seconds:.1f} s: {error}. Earlier stages are kept; fix "
                             "the problem and re-run the same command to continue from here."
                             + (f"\nLast lines of its stderr:\n{tail}" if tail else "")))
    state = {**base_state, **extra, "status": "done", "seconds": round(seconds, 2),
             "rows": output_rows(p.folder),
             "finished_at": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")}
    state["output_hash"] = hash_input(p.folder)
    write_state(p, state)
    echo(done_line(seconds, state["rows"], p.folder))


def done_line(seconds: float, rows: int | None, folder: Path) -> str:
    """The end of a stage's ``[i/N] key: ...`` line: ``done in 41.2 s (52 rows) → runs/x/03-annotate``."""
    return f"done in {seconds:.1f} s" + (f" ({rows} rows)" if rows is not None else "") + f" → {folder}"


def _call_in_process(p: PlannedInstance, base_state: dict) -> tuple[str | None, dict]:
    """Run the stage's ``main(args)`` here; (error or None, what to add to the state)."""
    module = stage_module(p.inst.stage)
    extra = {"pid": os.getpid(), "in_process": True}
    try:
        code = module.main(p.args)
        if code not in (None, 0):
            return f"exited with status {code}", {**extra, "exit_status": code}
    except SystemExit as exc:
        if exc.code not in (None, 0):
            code = exc.code
            return (f"exited with status {code}" if isinstance(code, int) else str(code)), extra
    except KeyboardInterrupt:
        write_state(p, {**base_state, **extra, "status": "running", "interrupted": True})
        raise
    except Exception as exc:  # a stage bug or bad data: record it, keep earlier stages
        buf = io.StringIO()
        traceback.print_exc(file=buf)
        (p.state_file.with_suffix(".traceback.txt")).write_text(scrub(buf.getvalue()))
        return f"{type(exc).__name__}: {exc}", extra
    return None, extra


def _call_subprocess(p: PlannedInstance, command: list[str], base_state: dict) -> tuple[str | None, dict]:
    """Run the stage as its own process, streaming its output; (error or None, what to add to the state)."""
    tail: collections.deque[str] = collections.deque(maxlen=STDERR_TAIL_LINES)
    try:
        proc = subprocess.Popen(command, env=dict(os.environ), stderr=subprocess.PIPE)
    except OSError as exc:
        return f"cannot start {command[0]}: {exc}", {}
    extra: dict = {"pid": proc.pid}
    write_state(p, {**base_state, **extra, "status": "running"})
    try:
        assert proc.stderr is not None
        with proc.stderr:
            _stream_stderr(proc.stderr, tail)
        code = proc.wait()
    except KeyboardInterrupt:  # the stage got the same SIGINT: let it stop and keep its finished rows
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
        write_state(p, {**base_state, **extra, "status": "running", "interrupted": True,
                        "stderr_tail": list(tail)})
        raise
    extra.update(exit_status=code, stderr_tail=list(tail))
    return (f"exited with status {code}" if code != 0 else None), extra


def _stream_stderr(stream, tail: collections.deque[str]) -> None:
    """Pass a stage's stderr through as it comes; keep its last lines, as a terminal shows them, in ``tail``.

    Read in chunks, not lines: a progress bar redraws with "\r" and no newline, so reading by line would
    hold each redraw back until the next one (and universal newlines would print every redraw on a line of
    its own). A tail line keeps only what follows its last "\r" (the bar's final state, not every redraw).
    """
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    pending = ""
    while True:
        chunk = stream.read1(65536)
        text = decoder.decode(chunk, final=not chunk)
        if text:
            sys.stderr.write(text)
            sys.stderr.flush()
            *lines, pending = (pending + text).split("\n")
            tail.extend(_visible(line) + "\n" for line in lines)
            if "\r" in pending[:-1]:  # a bar that never ends its line: keep only its latest redraw
                pending = pending[pending.rindex("\r", 0, len(pending) - 1) + 1:]
        if not chunk:
            break
    if _visible(pending):
        tail.append(_visible(pending))


def _visible(line: str) -> str:
    """What a terminal shows of ``line``: the text after its last carriage return (CRLF aside)."""
    return line.rstrip("\r").rsplit("\r", 1)[-1]
