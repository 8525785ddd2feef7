"""Run a recipe: plan every stage up front, then run only what changed.

Planning builds each stage's real argument parser (from the CLI registry) and parses the argv that the recipe's
options spell, so a typo in stage 7 fails before stage 1 starts, naming the key and its YAML line. Running calls
each stage's ``main(args)`` in this process with ``--in``/``--out``/``--cache`` wired from the run folder::

    RUN/
      recipe.resolved.yaml     every option of every stage, defaults filled in (itself a valid recipe)
      cache.sqlite             the row cache of every LLM call in the run (resume reuses finished rows)
      01-ingest/ 02-generate/ 03-annotate/ 04-select/<name>/ 05-build-sft/<name>/ 06-train/<name>/
      07-evaluate/<name>/ 08-report/
      .runner/<stage>[__<name>].json   per-instance state: config hash, input hashes, status, rows, seconds

An instance is *done* when its state says so and its folder is complete; it is *stale* when its resolved options
(config hash) or the content hash of one of its inputs differ from what its state recorded, and *pending* when
it never finished (including a run that was interrupted). Only pending and stale instances run. Because inputs
are compared by content hash, a re-run whose output comes out identical does not make later stages re-run.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as _dt
import difflib
import hashlib
import importlib
import io
import json
import os
import sys
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

import yaml

from naturalthoughts.pipeline.recipe import (
    STAGE_KINDS,
    STAGE_ORDER,
    PACKAGE_PREFIX,
    Instance,
    Recipe,
    RecipeError,
    default_upstream,
    resolve_path,
    resolve_reference,
)
from naturalthoughts.store import MANIFEST_FILE, SUCCESS_FILE, hash_input, is_complete, stable_json

STATE_DIR = ".runner"
RESOLVED_FILE = "recipe.resolved.yaml"
# Flags the runner wires itself from the run folder layout; they are not part of an instance's config hash
# (inputs are hashed by content instead, and moving the run folder must not make everything stale).
WIRED_FLAGS = ("--in", "--data", "--out", "--cache")


def wired_dests(parser: argparse.ArgumentParser) -> set[str]:
    """Dests of the flags the runner sets (plus positionals such as the report's RUN)."""
    return {a.dest for a in parser._actions if set(a.option_strings) & set(WIRED_FLAGS) or not a.option_strings}


# ------------------------------------------------------------------------------------------ parsers
class StageArgumentError(Exception):
    """Raised instead of argparse's print-and-exit, so the runner can point at the recipe line."""


class _RaisingParser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise StageArgumentError(message)

    def exit(self, status: int = 0, message: str | None = None) -> None:  # type: ignore[override]
        raise StageArgumentError(message or f"exited with status {status}")


def stage_module(stage: str):
    """The CLI module of ``stage`` from the ``naturalthoughts`` command registry."""
    from naturalthoughts.cli import COMMANDS

    module_name = COMMANDS[stage]
    try:
        return importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name == module_name:
            raise RecipeError(f"stage {stage!r} is not available in this installation ({module_name} is missing)") from None
        raise


_PARSERS: dict[str, argparse.ArgumentParser] = {}


def stage_parser(stage: str) -> argparse.ArgumentParser:
    if stage not in _PARSERS:
        parser = _RaisingParser(prog=f"naturalthoughts {stage}", add_help=False)
        stage_module(stage).add_arguments(parser)
        _PARSERS[stage] = parser
    return _PARSERS[stage]


def option_actions(parser: argparse.ArgumentParser) -> dict[str, argparse.Action]:
    """Recipe key → argparse action: ``--max-tokens`` is ``max_tokens``, ``-n`` is ``n`` (also by dest)."""
    out: dict[str, argparse.Action] = {}
    for action in parser._actions:
        if not action.option_strings or isinstance(action, argparse._HelpAction):
            continue
        for opt in action.option_strings:
            out.setdefault(opt.lstrip("-").replace("-", "_"), action)
        out.setdefault(action.dest, action)
    return out


def recipe_key(action: argparse.Action) -> str:
    if isinstance(action, argparse.BooleanOptionalAction):  # --bf16 / --no-bf16: the key is `bf16: true|false`
        return next(o for o in action.option_strings if not o.startswith("--no-")).lstrip("-").replace("-", "_")
    longest = max(action.option_strings, key=len)
    return longest.lstrip("-").replace("-", "_")


def options_to_argv(parser: argparse.ArgumentParser, options: dict[str, Any], *, owner: str,
                    lines: dict[str, int | None], recipe: Recipe) -> tuple[list[str], dict[str, str]]:
    """Spell ``options`` as the stage's CLI flags; returns (argv, flag → recipe key) for error messages."""
    actions = option_actions(parser)
    wired = wired_dests(parser)
    argv: list[str] = []
    flag_keys: dict[str, str] = {}
    for key, value in options.items():
        line = lines.get(key)
        action = actions.get(key)
        if action is None or action.dest in wired:
            known = sorted(k for k, a in actions.items() if a.dest not in wired and k == recipe_key(a))
            hint = difflib.get_close_matches(key, known, n=1)
            why = "is wired by the runner" if action is not None else "is not an option of this stage"
            raise recipe.error(f"{owner}: `{key}` {why}" + (f"; did you mean `{hint[0]}`?" if hint else "")
                               + f" (options: {', '.join(known)})", line)
        flag = max(action.option_strings, key=len)
        flag_keys[flag] = key
        if value is None:
            continue
        if isinstance(action, (argparse._StoreTrueAction, argparse._StoreFalseAction, argparse._StoreConstAction)):
            if not isinstance(value, bool):
                raise recipe.error(f"{owner}: `{key}` is a switch; write true or false, got {value!r}", line)
            if value:  # the recipe key is the flag's name: `no_cache: true` means "--no-cache"
                argv.append(flag)
            continue
        if isinstance(action, argparse.BooleanOptionalAction):
            if not isinstance(value, bool):
                raise recipe.error(f"{owner}: `{key}` is a switch; write true or false, got {value!r}", line)
            pos = next(o for o in action.option_strings if not o.startswith("--no-"))
            argv.append(pos if value else "--no-" + pos[2:])
            continue
        if isinstance(action, argparse._CountAction):
            argv.extend([flag] * int(value))
            continue
        values = _as_values(value, key, owner, line, recipe)
        if isinstance(action, (argparse._AppendAction, argparse._ExtendAction)):
            for v in values:
                argv.extend([flag, v])
        elif action.nargs in ("+", "*") or isinstance(action.nargs, int):
            argv.append(flag)
            argv.extend(values)
        else:
            argv.extend([flag, ",".join(values) if isinstance(value, (list, tuple)) else values[0]])
    return argv, flag_keys


def _as_values(value: Any, key: str, owner: str, line: int | None, recipe: Recipe) -> list[str]:
    if isinstance(value, dict):  # e.g. backend_option: {n_ctx: 4096} → KEY=VALUE strings
        return [f"{k}={v if isinstance(v, str) else json.dumps(v)}" for k, v in value.items()]
    if isinstance(value, (list, tuple)):
        out = []
        for v in value:
            if isinstance(v, (dict, list)):
                raise recipe.error(f"{owner}: `{key}`: nested lists/mappings are not options", line)
            out.append(_scalar(v))
        return out
    return [_scalar(value)]


def _scalar(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


# -------------------------------------------------------------------------------------------- the plan
@dataclass
class PlannedInstance:
    """An instance with everything needed to decide whether to run it and to run it."""

    inst: Instance
    folder: Path
    argv: list[str]
    args: argparse.Namespace
    config: dict[str, Any]  # resolved options (every dest, defaults included) minus wired paths
    config_hash: str
    deps: list[str] = field(default_factory=list)  # keys of instances this one reads
    user_inputs: list[str] = field(default_factory=list)  # user files/folders this one reads
    run_dir: Path = Path(".")

    @property
    def key(self) -> str:
        return self.inst.key

    @property
    def state_file(self) -> Path:
        return self.run_dir / STATE_DIR / (self.key.replace("/", "__") + ".json")


@dataclass
class Plan:
    recipe: Recipe
    items: list[PlannedInstance]

    def by_key(self) -> dict[str, PlannedInstance]:
        return {p.key: p for p in self.items}


def plan_recipe(recipe: Recipe) -> Plan:
    """Check every instance's options against its stage's parser and build the run plan (no work is done)."""
    items: list[PlannedInstance] = []
    for inst in recipe.instances():
        items.append(_plan_instance(recipe, inst))
    return Plan(recipe, items)


def _replace_refs(recipe: Recipe, value: Any, line: int | None, owner: str, deps: list[str]) -> Any:
    """``@stage/...`` → that instance's folder (recorded as a dependency); ``package:REL`` → a bundled file."""
    if isinstance(value, str) and value.startswith(PACKAGE_PREFIX):
        return resolve_path(value)
    if isinstance(value, str) and value.startswith("@"):
        target, sub = resolve_reference(recipe, value, line, owner)
        deps.append(target.key)
        path = target.folder(recipe.run_dir)
        return str(path / sub) if sub else str(path)
    if isinstance(value, list):
        return [_replace_refs(recipe, v, line, owner, deps) for v in value]
    if isinstance(value, dict):
        return {k: _replace_refs(recipe, v, line, owner, deps) for k, v in value.items()}
    return value


def _plan_instance(recipe: Recipe, inst: Instance) -> PlannedInstance:
    kind = STAGE_KINDS[inst.stage]
    owner = inst.key
    try:
        parser = stage_parser(inst.stage)
    except RecipeError as exc:
        raise recipe.error(f"{owner}: {exc.bare_message}", inst.line) from None
    folder = inst.folder(recipe.run_dir)
    deps: list[str] = []
    user_inputs: list[str] = []
    options = {k: _replace_refs(recipe, v, inst.option_lines.get(k), owner, deps) for k, v in inst.options.items()
               if k != "in"}
    argv, flag_keys = options_to_argv(parser, options, owner=owner, lines=inst.option_lines, recipe=recipe)

    wired: list[str] = []
    if inst.stage == "report":
        wired += [str(recipe.run_dir)]
        deps += [i.key for i in recipe.instances() if i.stage != "report"]
    elif kind.input_flag:
        source = inst.input if inst.input is not None else f"@{default_upstream(recipe, inst.stage)}"
        if source.startswith("@"):
            target, sub = resolve_reference(recipe, source, inst.option_lines.get("in", inst.line), owner)
            deps.append(target.key)
            in_path = str(target.folder(recipe.run_dir) / sub) if sub else str(target.folder(recipe.run_dir))
        else:
            in_path = resolve_path(source)
            user_inputs.append(in_path)
        if not _has_flag(parser, kind.input_flag):
            raise recipe.error(f"{owner}: the {inst.stage} command has no {kind.input_flag} option; "
                               "cannot wire its input", inst.line)
        wired += [kind.input_flag, in_path]
    if _has_flag(parser, "--out"):
        wired += ["--out", str(folder)]
    if _has_flag(parser, "--cache"):
        wired += ["--cache", str(recipe.cache)]
    try:
        args = parser.parse_args(wired + argv)
    except StageArgumentError as exc:
        message = str(exc)
        line = inst.line
        for flag, key in flag_keys.items():
            if flag in message:
                line = inst.option_lines.get(key, inst.line)
                message = message.replace(flag, f"`{key}` ({flag})")
                break
        raise recipe.error(f"{owner}: {message}", line) from None
    skip = wired_dests(parser)
    config = {k: v for k, v in sorted(vars(args).items()) if k not in skip and not k.startswith("_")}
    config_text = stable_json({"stage": inst.stage, "options": config}).replace(str(recipe.run_dir), "$RUN")
    return PlannedInstance(inst, folder, wired + argv, args, json.loads(config_text)["options"],
                           hashlib.sha256(config_text.encode()).hexdigest(), list(dict.fromkeys(deps)), user_inputs,
                           recipe.run_dir)


def _has_flag(parser: argparse.ArgumentParser, flag: str) -> bool:
    return flag in parser._option_string_actions


# ------------------------------------------------------------------------------------------------ state
def read_state(p: PlannedInstance) -> dict[str, Any] | None:
    try:
        return json.loads(p.state_file.read_text())
    except (FileNotFoundError, json.JSONDecodeError):
        return None


def write_state(p: PlannedInstance, state: dict[str, Any]) -> None:
    p.state_file.parent.mkdir(parents=True, exist_ok=True)
    tmp = p.state_file.with_suffix(".tmp")
    tmp.write_text(json.dumps(state, indent=2, default=str))
    os.replace(tmp, p.state_file)


def output_hash(p: PlannedInstance, state: dict[str, Any] | None = None) -> str | None:
    """Content hash of an instance's output: from its manifest when it has one, else as recorded when it finished."""
    if not p.folder.exists():
        return None
    if (p.folder / MANIFEST_FILE).exists():
        return hash_input(p.folder)
    state = state if state is not None else read_state(p)
    return (state or {}).get("output_hash")


def output_rows(folder: Path) -> int | None:
    try:
        manifest = json.loads((folder / MANIFEST_FILE).read_text())
    except (FileNotFoundError, json.JSONDecodeError):
        return None
    counts = manifest.get("counts") or {}
    if isinstance(counts.get("out"), int):
        return counts["out"]
    rows = [o.get("rows") for o in manifest.get("outputs", []) if isinstance(o.get("rows"), int)]
    return rows[0] if rows else None


def _user_input_hash(path: str) -> str:
    p = Path(path)
    if not p.exists():
        return "missing"
    return hash_input(p)


@dataclass
class Decision:
    status: str  # "done" | "stale" | "pending" | "failed"
    reasons: list[str]
    input_hashes: dict[str, str | None]


def decide(p: PlannedInstance, plan: Plan, upstream_changed: set[str] | None = None) -> Decision:
    """Whether ``p`` is up to date, comparing its recorded state with its current config and inputs."""
    by_key = plan.by_key()
    current: dict[str, str | None] = {}
    for dep in p.deps:
        current[dep] = output_hash(by_key[dep]) if dep in by_key else None
    for path in p.user_inputs:
        current[path] = _user_input_hash(path)
    state = read_state(p)
    if state is None:
        return Decision("pending", ["never run"], current)
    if state.get("status") == "running":
        return Decision("pending", ["interrupted; resuming"], current)
    if state.get("status") == "failed":
        return Decision("failed", [f"failed last time: {state.get('error', '?')}"], current)
    if not p.folder.exists() or ((p.folder / MANIFEST_FILE).exists() and not is_complete(p.folder)):
        return Decision("pending", ["output missing or incomplete"], current)
    reasons = []
    if state.get("config_hash") != p.config_hash:
        old = state.get("config") or {}
        changed = sorted(k for k in set(old) | set(p.config) if old.get(k) != p.config.get(k))
        reasons.append("options changed: " + (", ".join(changed) if changed else "stage defaults"))
    recorded = state.get("inputs") or {}
    for label, h in current.items():
        if upstream_changed and label in upstream_changed:
            reasons.append(f"input {label} re-ran")
        elif recorded.get(label) != h:
            reasons.append(f"input {label} changed" if h else f"input {label} is missing")
    return Decision("stale" if reasons else "done", reasons, current)


# ------------------------------------------------------------------------------------------- resolved
def resolved_recipe(plan: Plan) -> dict[str, Any]:
    """The recipe with every instance spelled out and every option (defaults included) filled in."""
    recipe = plan.recipe
    stages: dict[str, Any] = {}
    for p in plan.items:
        parser = stage_parser(p.inst.stage)
        skip = wired_dests(parser)
        opts: dict[str, Any] = {}
        for action in parser._actions:
            if not action.option_strings or isinstance(action, argparse._HelpAction) or action.dest in skip:
                continue
            value = getattr(p.args, action.dest, None)
            if isinstance(action, (argparse._StoreTrueAction, argparse._StoreFalseAction, argparse._StoreConstAction)):
                value = value == action.const and value != action.default  # was the flag given?
            opts[recipe_key(action)] = _yaml_safe(value)
        if p.inst.input is not None and not p.inst.input.startswith("@"):
            opts = {"in": resolve_path(p.inst.input), **opts}
        elif p.inst.input is not None:
            opts = {"in": p.inst.input, **opts}
        if p.inst.name:
            stages.setdefault(p.inst.stage, {"instances": {}})["instances"][p.inst.name] = opts
        else:
            stages[p.inst.stage] = opts
    return {
        "name": recipe.name,
        "description": recipe.description,
        "run_dir": str(recipe.run_dir),
        "cache": str(recipe.cache),
        "env": dict(recipe.env),
        "stages": stages,
    }


def _yaml_safe(value: Any) -> Any:
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, (list, tuple)):
        return [_yaml_safe(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _yaml_safe(v) for k, v in value.items()}
    return str(value)


# --------------------------------------------------------------------------------------------- running
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


# ---------------------------------------------------------------------------------------------- status
@dataclass
class InstanceStatus:
    key: str
    status: str
    rows: int | None
    seconds: float | None
    finished_at: str | None
    reasons: list[str]
    folder: Path


def run_status(plan: Plan) -> list[InstanceStatus]:
    """Each instance of a planned recipe: done / stale / pending / failed, with rows and time."""
    out: list[InstanceStatus] = []
    not_current: set[str] = set()
    by_key = plan.by_key()
    for p in plan.items:
        d = decide(p, plan)
        status, reasons = d.status, list(d.reasons)
        upstream = [dep for dep in p.deps if dep in not_current]
        if status == "done" and upstream and p.inst.stage != "report":
            status, reasons = "stale", [f"upstream {', '.join(upstream)} will re-run"]
        elif status == "done" and upstream:
            status, reasons = "stale", ["an earlier stage will re-run"]
        if status != "done":
            not_current.add(p.key)
        state = read_state(p) or {}
        out.append(InstanceStatus(p.key, status, output_rows(p.folder) if p.folder.exists() else None,
                                  state.get("seconds"), state.get("finished_at"), reasons, p.folder))
    del by_key
    return out
