"""The run plan: every instance of a recipe with its folder, argv, parsed options, config hash and inputs.

``--in``/``--out``/``--cache`` are wired from the run folder layout::

    RUN/
      recipe.resolved.yaml     every option of every stage, defaults filled in (itself a valid recipe)
      cache.sqlite             the row cache of every LLM call in the run (resume reuses finished rows)
      01-ingest/ 02-generate/ 03-annotate/ 04-select/<name>/ 05-build-sft/<name>/ 06-train/<name>/
      07-evaluate/<name>/ 08-report/
      .runner/<stage>[__<name>].json   per-instance state: config hash, input hashes, status, rows, seconds
"""

from __future__ import annotations

import argparse
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from naturalthoughts.cli.common import DeprecatedAlias
from naturalthoughts.core.store import stable_json
from naturalthoughts.pipeline.argv import (
    StageArgumentError,
    options_to_argv,
    recipe_key,
    stage_parser,
    wired_dests,
)
from naturalthoughts.pipeline.hub_inputs import resolve_hub_input
from naturalthoughts.pipeline.recipe import (
    PACKAGE_PREFIX,
    STAGE_KINDS,
    Instance,
    Recipe,
    RecipeError,
    default_upstream,
    resolve_path,
    resolve_reference,
)

STATE_DIR = ".runner"


RESOLVED_FILE = "recipe.resolved.yaml"


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
            in_path = resolve_hub_input(resolve_path(source), recipe.env)  # a local copy of a hub dataset
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


def resolved_recipe(plan: Plan) -> dict[str, Any]:
    """The recipe with every instance spelled out and every option (defaults included) filled in."""
    recipe = plan.recipe
    stages: dict[str, Any] = {}
    for p in plan.items:
        parser = stage_parser(p.inst.stage)
        skip = wired_dests(parser)
        opts: dict[str, Any] = {}
        for action in parser._actions:
            if (not action.option_strings or isinstance(action, (argparse._HelpAction, DeprecatedAlias))
                    or action.dest in skip):
                continue
            value = getattr(p.args, action.dest, None)
            if isinstance(action, (argparse._StoreTrueAction, argparse._StoreFalseAction, argparse._StoreConstAction)):
                value = value == action.const and value != action.default  # was the flag given?
            opts[recipe_key(action)] = _yaml_safe(value)
        if p.inst.input is not None and not p.inst.input.startswith("@"):
            opts = {"in": resolve_path(p.inst.input), **opts}
        elif p.inst.input is not None:
            opts = {"in": p.inst.input, **opts}
        if p.inst.launcher:
            opts["launcher"] = dict(p.inst.launcher)
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


def plan_secrets(plan: Plan) -> set[str]:
    """Every secret the run knows of: the recipe's ``env:`` values, credential-like option values and the
    values of the variables its ``*_api_key_env`` options name (see :mod:`naturalthoughts.core.secrets`)."""
    from naturalthoughts.core.secrets import secrets_in_options

    found = {v for v in plan.recipe.env.values() if v}
    for p in plan.items:
        found |= secrets_in_options(p.inst.options)
        found |= secrets_in_options({k: v for k, v in vars(p.args).items() if not k.startswith("_")})
    return found


def _yaml_safe(value: Any) -> Any:
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, (list, tuple)):
        return [_yaml_safe(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _yaml_safe(v) for k, v in value.items()}
    return str(value)

