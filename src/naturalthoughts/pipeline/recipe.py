"""Recipes: one YAML file that names the stages of a run and their options.

A recipe's stage options are that stage's CLI flags, spelled as YAML keys (``max_tokens: 192`` is
``--max-tokens 192``), so every option a stage's ``--help`` lists works in a recipe and nothing else does::

    name: quickstart
    run_dir: runs/quickstart            # default: runs/<name>
    stages:
      ingest:
        in: package:data/questions/sample_pool.jsonl
      generate:
        backend: llamacpp
        max_tokens: 192
      select:                           # several selections side by side
        n: 24
        instances:
          random: {strategy: random}
          hard-diverse: {strategy: "disagree,strategies"}
      build-sft: {mode: mixed, mix: difficulty}    # runs once per selection (for_each: select)
      evaluate:
        instances:
          base: {backend: transformers, model: smollm2-135m, mode: no-think}
          trained: {backend: transformers, model: "@train/random/model", mode: no-think}

Reserved keys in a stage or instance: ``instances`` (named instances; the other keys are shared defaults),
``for_each`` (one instance per instance of an earlier stage, input wired to it), ``in`` (input path or
``@stage[/instance]`` reference), ``launcher`` (start the stage under ``accelerate launch`` or ``torchrun``,
see :mod:`naturalthoughts.pipeline.launcher`). A string value ``@stage[/instance][/sub/path]`` anywhere in the
options is replaced by that instance's output folder (plus sub path) and makes it an input of this instance.

This module only parses and checks the *shape* of a recipe (with the YAML line of every key, so errors can point
at it); :mod:`naturalthoughts.pipeline.plan` checks the options against each stage's real argument parser.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from naturalthoughts.pipeline.launcher import LAUNCHER_KEY, LauncherError, take_launcher
from naturalthoughts.pipeline.yaml_lines import LineDict, RecipeError, line_of, load_yaml


# ------------------------------------------------------------------------------------------ stage table
@dataclass(frozen=True)
class StageKind:
    """How the runner treats one pipeline stage.

    ``input_flag``: the stage's main input flag (None: the stage has no single input, e.g. evaluate, whose
    inputs are the models named in its options; ``RUN``: the run folder as positional argument). ``upstream``:
    the stage whose output is the default input.
    """

    name: str
    folder: str
    input_flag: str | None
    upstream: str | None


# Literal table in pipeline order: the order stages run in, whatever order the recipe lists them.
STAGE_KINDS: dict[str, StageKind] = {
    k.name: k
    for k in (
        StageKind("ingest", "01-ingest", "--in", None),
        StageKind("generate", "02-generate", "--in", "ingest"),
        StageKind("annotate", "03-annotate", "--in", "generate"),
        StageKind("select", "04-select", "--in", "annotate"),
        StageKind("build-sft", "05-build-sft", "--in", "select"),
        StageKind("train", "06-train", "--data", "build-sft"),
        StageKind("evaluate", "07-evaluate", None, None),
        StageKind("report", "08-report", "RUN", None),
    )
}
STAGE_ORDER: list[str] = list(STAGE_KINDS)
RESERVED_KEYS = ("instances", "for_each", "in", LAUNCHER_KEY)
TOP_LEVEL_KEYS = ("name", "description", "run_dir", "cache", "env", "stages")
REFERENCE = re.compile(r"^@(?P<stage>[a-z][a-z0-9-]*)(?:/(?P<rest>.+))?$")
PACKAGE_PREFIX = "package:"


# ------------------------------------------------------------------------------------------ the model
@dataclass
class Instance:
    """One run of one stage: its options (recipe keys → values) and where they came from."""

    stage: str
    name: str  # "" for a stage that runs once
    options: dict[str, Any]
    option_lines: dict[str, int | None] = field(default_factory=dict)
    line: int | None = None
    input: str | None = None  # explicit `in:` (path or @reference); None: the default upstream
    for_each_of: str | None = None  # the upstream instance this one was fanned out from
    launcher: dict[str, Any] | None = None  # {"name": "accelerate", **its options}; None: a plain process

    @property
    def key(self) -> str:
        return f"{self.stage}/{self.name}" if self.name else self.stage

    def folder(self, run_dir: Path) -> Path:
        base = run_dir / STAGE_KINDS[self.stage].folder
        return base / self.name if self.name else base


@dataclass
class Recipe:
    """A parsed recipe: stages in pipeline order, each a list of instances."""

    name: str
    path: Path | None
    run_dir: Path
    cache: Path
    stages: dict[str, list[Instance]]
    description: str = ""
    env: dict[str, str] = field(default_factory=dict)
    raw: dict[str, Any] = field(default_factory=dict)

    def instances(self) -> list[Instance]:
        return [inst for stage in STAGE_ORDER for inst in self.stages.get(stage, [])]

    def find(self, stage: str, name: str | None = None) -> Instance | None:
        for inst in self.stages.get(stage, []):
            if name is None or inst.name == name:
                return inst
        return None

    def error(self, message: str, line: int | None = None) -> RecipeError:
        return RecipeError(message, path=self.path, line=line)


def resolve_path(value: str) -> str:
    """A user path, or ``package:REL`` for a file shipped inside the naturalthoughts package."""
    if value.startswith(PACKAGE_PREFIX):
        rel = value[len(PACKAGE_PREFIX):].lstrip("/")
        return str(resources.files("naturalthoughts").joinpath(rel))
    if _looks_remote(value):
        return value
    return str(Path(value).expanduser().resolve())  # absolute: `status` may run from another folder


def load_recipe(path: str | os.PathLike, *, run_dir: str | os.PathLike | None = None) -> Recipe:
    """Parse a recipe file and check its shape (stage names, reserved keys, references, input paths)."""
    path = Path(path)
    if not path.exists():
        raise RecipeError("no such recipe file", path=path)
    data = load_yaml(path)
    return parse_recipe(data, path=path, run_dir=run_dir)


def parse_recipe(data: Any, *, path: Path | None = None, run_dir: str | os.PathLike | None = None) -> Recipe:
    if not isinstance(data, dict):
        raise RecipeError("a recipe is a YAML mapping with a `stages:` key", path=path, line=1)
    for key in data:
        # `x-…` keys are free (as in docker-compose): a place for YAML anchors that instances merge with `<<:`
        if key not in TOP_LEVEL_KEYS and not str(key).startswith("x-"):
            raise RecipeError(f"unknown top-level key {key!r}; known: {', '.join(TOP_LEVEL_KEYS)} (and x-… for "
                              "YAML anchors)", path=path, line=line_of(data, key))
    name = str(data.get("name") or (path.stem if path else "run"))
    stages_raw = data.get("stages")
    if not isinstance(stages_raw, dict) or not stages_raw:
        raise RecipeError("`stages:` must be a non-empty mapping of stage name → options", path=path,
                          line=line_of(data, "stages") or 1)
    rd = Path(run_dir) if run_dir else Path(str(data.get("run_dir") or f"runs/{name}")).expanduser()
    rd = rd.resolve()
    cache_value = data.get("cache")
    cache = Path(str(cache_value)).expanduser() if cache_value else rd / "cache.sqlite"
    if not cache.is_absolute():
        cache = rd / cache
    env = data.get("env") or {}
    if not isinstance(env, dict):
        raise RecipeError("`env:` must be a mapping of variable → value", path=path, line=line_of(data, "env"))

    recipe = Recipe(name=name, path=path, run_dir=rd, cache=cache, stages={}, description=str(data.get("description") or ""),
                    env={str(k): str(v) for k, v in env.items()}, raw=data)
    for stage, body in stages_raw.items():
        line = line_of(stages_raw, stage)
        if stage not in STAGE_KINDS:
            raise recipe.error(f"unknown stage {stage!r}; known stages: {', '.join(STAGE_ORDER)}", line)
        if body is None:
            body = LineDict()
        if not isinstance(body, dict):
            raise recipe.error(f"stage {stage!r}: expected a mapping of options, got {type(body).__name__}", line)
        recipe.stages[stage] = _parse_stage(recipe, stage, body, line)
    recipe.stages = {s: recipe.stages[s] for s in STAGE_ORDER if s in recipe.stages}
    _expand_for_each(recipe)
    _check_inputs(recipe)
    return recipe


def _split_options(recipe: Recipe, stage: str, body: dict, owner: str) -> tuple[dict, dict, str | None]:
    options, lines, explicit_in = {}, {}, None
    for key, value in body.items():
        if key in ("instances", "for_each"):
            continue
        if not isinstance(key, str):
            raise recipe.error(f"{owner}: option names are strings, got {key!r}", line_of(body, None))
        if key == "in":
            if not isinstance(value, str) or not value:
                raise recipe.error(f"{owner}: `in` must be a path or an @stage reference", line_of(body, key))
            explicit_in = value
        options[key] = value
        lines[key] = line_of(body, key)
    return options, lines, explicit_in


def _parse_stage(recipe: Recipe, stage: str, body: dict, line: int | None) -> list[Instance]:
    shared, shared_lines, shared_in = _split_options(recipe, stage, body, f"stage {stage!r}")
    shared.pop("in", None)
    for_each = body.get("for_each")
    if for_each is not None:
        if for_each not in STAGE_KINDS or STAGE_ORDER.index(for_each) >= STAGE_ORDER.index(stage):
            raise recipe.error(f"stage {stage!r}: for_each must name an earlier stage, got {for_each!r}",
                               line_of(body, "for_each"))
    instances_raw = body.get("instances")
    if instances_raw is None:
        inst = Instance(stage, "", dict(shared), dict(shared_lines), line, shared_in)
        inst.launcher = _launcher(recipe, inst, f"stage {stage!r}")
        if for_each is not None:
            inst.for_each_of = str(for_each)  # template; expanded once all stages are known
        return [inst]
    if for_each is not None:
        raise recipe.error(f"stage {stage!r}: use either `instances` or `for_each`, not both", line_of(body, "for_each"))
    if not isinstance(instances_raw, dict) or not instances_raw:
        raise recipe.error(f"stage {stage!r}: `instances` must be a non-empty mapping of name → options",
                           line_of(body, "instances"))
    out = []
    for name, inst_body in instances_raw.items():
        iline = line_of(instances_raw, name)
        if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", name):
            raise recipe.error(f"stage {stage!r}: instance name {name!r} must be letters, digits, '-', '_', '.'", iline)
        inst_body = inst_body if inst_body is not None else LineDict()
        if not isinstance(inst_body, dict):
            raise recipe.error(f"{stage}/{name}: expected a mapping of options", iline)
        for bad in ("instances", "for_each"):
            if bad in inst_body:
                raise recipe.error(f"{stage}/{name}: `{bad}` is only allowed at the stage level", line_of(inst_body, bad))
        own, own_lines, own_in = _split_options(recipe, stage, inst_body, f"{stage}/{name}")
        own.pop("in", None)
        merged = {**shared, **own}
        merged_lines = {**shared_lines, **own_lines}
        inst = Instance(stage, name, merged, merged_lines, iline, own_in or shared_in)
        inst.launcher = _launcher(recipe, inst, f"{stage}/{name}")
        out.append(inst)
    return out


def _launcher(recipe: Recipe, inst: Instance, owner: str) -> dict[str, Any] | None:
    """Take the reserved ``launcher`` key (and its options) out of an instance's stage options."""
    line = inst.option_lines.get(LAUNCHER_KEY, inst.line)
    try:
        return take_launcher(inst.options, inst.option_lines)[0]
    except LauncherError as exc:
        raise recipe.error(f"{owner}: {exc}", line) from None


def _expand_for_each(recipe: Recipe) -> None:
    """Fan out stages over their upstream's instances: explicit ``for_each``, or implicitly when a stage with
    one unnamed instance reads from a stage that has several."""
    for stage in STAGE_ORDER:
        insts = recipe.stages.get(stage)
        if not insts or len(insts) != 1 or insts[0].name:
            continue
        template = insts[0]
        source = template.for_each_of
        if source is None and template.input is None and STAGE_KINDS[stage].input_flag:
            upstream = default_upstream(recipe, stage)
            if upstream and upstream in recipe.stages and any(i.name for i in recipe.stages[upstream]):
                source = upstream
        if source is None:
            continue
        if source not in recipe.stages:
            raise recipe.error(f"stage {stage!r}: for_each names stage {source!r}, which the recipe does not have",
                               template.line)
        expanded = []
        for up in recipe.stages[source]:
            inst = Instance(stage, up.name or source, dict(template.options), dict(template.option_lines),
                            template.line, f"@{up.key}", for_each_of=up.key, launcher=template.launcher)
            expanded.append(inst)
        recipe.stages[stage] = expanded


def default_upstream(recipe: Recipe, stage: str) -> str | None:
    """The stage whose output ``stage`` reads by default: its upstream, or the closest earlier one in the chain
    that the recipe runs (a recipe that ingests ready-made traces can go from ingest straight to annotate)."""
    up = STAGE_KINDS[stage].upstream
    while up is not None and up not in recipe.stages:
        up = STAGE_KINDS[up].upstream
    return up


def parse_reference(value: str) -> tuple[str, str, str] | None:
    """``@stage[/instance][/sub]`` → (stage, instance-or-rest, ...) raw parts, or None for a plain value."""
    m = REFERENCE.match(value)
    if not m:
        return None
    return m.group("stage"), m.group("rest") or "", ""


def resolve_reference(recipe: Recipe, value: str, line: int | None, owner: str) -> tuple[Instance, str]:
    """The instance an ``@stage[/instance][/sub]`` reference names, and the sub path inside its folder."""
    m = REFERENCE.match(value)
    assert m
    stage, rest = m.group("stage"), m.group("rest") or ""
    if stage not in STAGE_KINDS:
        raise recipe.error(f"{owner}: reference {value!r} names unknown stage {stage!r}", line)
    insts = recipe.stages.get(stage)
    if not insts:
        raise recipe.error(f"{owner}: reference {value!r} names stage {stage!r}, which this recipe does not run", line)
    first, _, sub = rest.partition("/")
    named = [i for i in insts if i.name]
    if named:
        match = next((i for i in insts if i.name == first), None)
        if match is None:
            raise recipe.error(f"{owner}: reference {value!r}: stage {stage!r} has no instance {first!r} "
                               f"(instances: {', '.join(i.name for i in insts)})", line)
        return match, sub
    return insts[0], rest


def _check_inputs(recipe: Recipe) -> None:
    """Every instance has an input (an existing user path or an earlier stage) and references point backwards."""
    for inst in recipe.instances():
        kind = STAGE_KINDS[inst.stage]
        owner = inst.key
        in_line = inst.option_lines.get("in", inst.line)
        if inst.input is not None:
            if inst.input.startswith("@"):
                target, _ = resolve_reference(recipe, inst.input, in_line, owner)
                if STAGE_ORDER.index(target.stage) >= STAGE_ORDER.index(inst.stage):
                    raise recipe.error(f"{owner}: input {inst.input!r} must come from an earlier stage", in_line)
            else:
                p = Path(resolve_path(inst.input))
                if not p.exists() and not _looks_remote(inst.input):
                    raise recipe.error(f"{owner}: input path {inst.input!r} does not exist (key `in`)", in_line)
        elif kind.input_flag and kind.name != "report":
            upstream = default_upstream(recipe, inst.stage)
            if upstream is None:
                wanted = f"the output of stage {kind.upstream!r} (not in this recipe)" if kind.upstream else "an input"
                raise recipe.error(f"{owner}: needs {wanted}; add that stage or set `in: PATH`", inst.line)
            ups = recipe.stages[upstream]
            if len(ups) > 1:
                raise recipe.error(f"{owner}: stage {upstream!r} has several instances "
                                   f"({', '.join(i.name for i in ups)}); set `in: @{upstream}/NAME`", inst.line)
        for key, value in inst.options.items():
            for v in _strings(value):
                if v.startswith("@") and REFERENCE.match(v):
                    target, _ = resolve_reference(recipe, v, inst.option_lines.get(key), owner)
                    if STAGE_ORDER.index(target.stage) >= STAGE_ORDER.index(inst.stage):
                        raise recipe.error(f"{owner}: option {key!r} refers to {v!r}, which does not run before it",
                                           inst.option_lines.get(key))


def _looks_remote(value: str) -> bool:
    # Hub datasets and URLs are checked by the stage itself (the runner has no network assumptions).
    return value.startswith(("hf://", "http://", "https://", "s3://", "gs://"))


def _strings(value: Any):
    if isinstance(value, str):
        yield value
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from _strings(v)
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
