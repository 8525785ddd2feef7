"""Run a recipe: plan every stage up front (:mod:`.plan`), decide what changed (:mod:`.decide`), run only that.

Each stage runs through its command's ``main(args)`` with the run's environment; a failure stops the run and
keeps every stage finished before it.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import io
import os
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

import yaml

from naturalthoughts.core.store import MANIFEST_FILE, SUCCESS_FILE, hash_input, is_complete
from naturalthoughts.pipeline.argv import stage_module
from naturalthoughts.pipeline.decide import Decision, decide, output_rows, read_state, write_state
from naturalthoughts.pipeline.plan import (
    RESOLVED_FILE,
    STATE_DIR,
    Plan,
    PlannedInstance,
    plan_recipe,
    resolved_recipe,
)
from naturalthoughts.pipeline.recipe import (
    STAGE_KINDS,
    STAGE_ORDER,
    Recipe,
    RecipeError,
)


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
               force: tuple[str, ...] = (), echo: Callable[[str], None] | None = None) -> RunSummary:
    """Run ``recipe``'s stale and pending instances in pipeline order; return what ran and what was skipped.

    ``from_stage``: stages before it are taken as they are (they must be complete; they are not re-run even if
    stale). ``until_stage``: stop after it. ``force``: stage names or ``stage/instance`` keys to re-run even if
    up to date. Raises :class:`RunError` when a stage fails; everything finished before stays.
    """
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
    (run_dir / RESOLVED_FILE).write_text(
        "# Written by `naturalthoughts run`: the recipe with every option resolved (itself a valid recipe).\n"
        + yaml.safe_dump(resolved_recipe(plan), sort_keys=False, allow_unicode=True, width=110)
    )
    summary = RunSummary()
    t_run = time.perf_counter()
    env = {"NATURALTHOUGHTS_CACHE": str(recipe.cache), **recipe.env}
    total = len(plan.items)
    echo(f"naturalthoughts run: recipe {recipe.name!r} ({total} stage instances) → {run_dir}")
    reran: set[str] = set()
    with _run_lock(run_dir), _environment(env):
        for idx, p in enumerate(plan.items, 1):
            stage_pos = STAGE_ORDER.index(p.inst.stage)
            tag = f"[{idx}/{total}] {p.key}"
            if until_stage is not None and stage_pos > STAGE_ORDER.index(until_stage):
                echo(f"{tag}: not run (after --until {until_stage})")
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
            _run_instance(p, decision, echo)
            reran.add(p.key)
            summary.ran.append(p.key)
            if p.inst.stage == "report":
                summary.report = p.folder / "report.html"
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
        if not Path(path).exists():
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


def _run_instance(p: PlannedInstance, decision: Decision, echo: Callable[[str], None]) -> None:
    p.folder.mkdir(parents=True, exist_ok=True)
    (p.folder / SUCCESS_FILE).unlink(missing_ok=True)  # the old output is no longer current
    started = _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")
    base_state = {"key": p.key, "stage": p.inst.stage, "folder": str(p.folder), "argv": p.argv,
                  "config_hash": p.config_hash, "config": p.config, "inputs": decision.input_hashes,
                  "started_at": started}
    write_state(p, {**base_state, "status": "running"})
    module = stage_module(p.inst.stage)
    t0 = time.perf_counter()
    error = None
    try:
        code = module.main(p.args)
        if code not in (None, 0):
            error = f"exited with status {code}"
    except SystemExit as exc:
        if exc.code not in (None, 0):
            error = str(exc.code) if not isinstance(exc.code, int) else f"exited with status {exc.code}"
    except KeyboardInterrupt:
        write_state(p, {**base_state, "status": "running", "interrupted": True})
        raise
    except Exception as exc:  # a stage bug or bad data: record it, keep earlier stages
        error = f"{type(exc).__name__}: {exc}"
        buf = io.StringIO()
        traceback.print_exc(file=buf)
        (p.state_file.with_suffix(".traceback.txt")).write_text(buf.getvalue())
    seconds = time.perf_counter() - t0
    if error is None and (p.folder / MANIFEST_FILE).exists() and not is_complete(p.folder):
        error = f"finished without writing {SUCCESS_FILE} in {p.folder}"
    if error is not None:
        write_state(p, {**base_state, "status": "failed", "error": error, "seconds": round(seconds, 2)})
        raise RunError(f"{p.key} failed after {seconds:.1f} s: {error}. Earlier stages are kept; fix the problem "
                       f"and re-run the same command to continue from here.")
    state = {**base_state, "status": "done", "seconds": round(seconds, 2), "rows": output_rows(p.folder),
             "finished_at": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")}
    state["output_hash"] = hash_input(p.folder)
    write_state(p, state)
    rows = state["rows"]
    echo(f"    done in {seconds:.1f} s" + (f", {rows} rows" if rows is not None else "") + f" → {p.folder}")

