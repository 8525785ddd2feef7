"""Recipe options → a stage command's argv, checked by that command's own argument parser.

Planning builds each stage's real parser (from :data:`naturalthoughts.cli.STAGE_COMMANDS`) and parses the argv
the recipe's options spell, so a typo in stage 7 fails before stage 1 starts, naming the key and its YAML line.
"""

from __future__ import annotations

import argparse
import difflib
import importlib
import json
from typing import Any

from naturalthoughts.cli.common import DeprecatedAlias
from naturalthoughts.pipeline.recipe import (
    Recipe,
    RecipeError,
)

# Flags the runner wires itself from the run folder layout; they are not part of an instance's config hash
# (inputs are hashed by content instead, and moving the run folder must not make everything stale).
WIRED_FLAGS = ("--in", "--data", "--out", "--cache")


def wired_dests(parser: argparse.ArgumentParser) -> set[str]:
    """Dests of the flags the runner sets (plus positionals such as the report's RUN)."""
    return {a.dest for a in parser._actions if set(a.option_strings) & set(WIRED_FLAGS) or not a.option_strings}


class StageArgumentError(Exception):
    """Raised instead of argparse's print-and-exit, so the runner can point at the recipe line."""


class _RaisingParser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise StageArgumentError(message)

    def exit(self, status: int = 0, message: str | None = None) -> None:  # type: ignore[override]
        raise StageArgumentError(message or f"exited with status {status}")


def stage_module(stage: str):
    """The CLI module of ``stage`` from the stage command registry."""
    from naturalthoughts.cli import STAGE_COMMANDS

    module_name = STAGE_COMMANDS[stage]
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
    real = [a for a in parser._actions if a.option_strings and not isinstance(a, (argparse._HelpAction, DeprecatedAlias))]
    for action in real:
        for opt in action.option_strings:
            out.setdefault(opt.lstrip("-").replace("-", "_"), action)
        out.setdefault(action.dest, action)
    by_dest = {a.dest: a for a in real}
    for alias in parser._actions:  # an old spelling in a recipe means the new option (written so when resolved)
        if isinstance(alias, DeprecatedAlias) and alias.dest in by_dest:
            for opt in alias.option_strings:
                out.setdefault(opt.lstrip("-").replace("-", "_"), by_dest[alias.dest])
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

