"""One CLI vocabulary: the new spellings parse, the old ones still work for one release and say so."""

from __future__ import annotations

import pytest

from naturalthoughts.main import build_parser
from naturalthoughts.pipeline.argv import option_actions, stage_parser


def parse(argv: list[str]):
    return build_parser().parse_args(argv)


@pytest.mark.parametrize("command, new, old, dest, value, expected", [
    (["generate", "--in", "x", "--out", "y"], "--samples", "-n", "n", "3", 3),
    (["evaluate", "--out", "y"], "--think-words", "--words", "words", "50", 50),
    (["evaluate", "--out", "y"], "--think-budget", "--budget", "budget", "16,none", [16, None]),
    (["evaluate", "--out", "y"], "--num-seeds", "--seeds", "seeds", "4", 4),
    (["select", "--in", "x", "--out", "y", "--strategy", "random"], "--total-tokens", "--budget-tokens",
     "budget_tokens", "5000", 5000),
    (["select", "--in", "x", "--out", "y", "--strategy", "seeded"], "--seed-questions", "--seeds", "opt_seeds",
     "limo.jsonl", "limo.jsonl"),
])
def test_new_spelling_and_deprecated_alias(capsys, command, new, old, dest, value, expected):
    args = parse(command + [new, value])
    assert getattr(args, dest) == expected
    assert "deprecated" not in capsys.readouterr().err
    args = parse(command + [old, value])
    assert getattr(args, dest) == expected
    err = capsys.readouterr().err
    assert f"{old} is deprecated" in err and new in err


def test_defaults_survive_the_alias():
    """The hidden alias must not overwrite the real option's default (argparse.SUPPRESS)."""
    args = parse(["evaluate", "--out", "y"])
    assert args.seeds == 1 and args.words is None and args.budget is None
    assert parse(["generate", "--in", "x", "--out", "y"]).n == 1


def test_help_lists_only_the_new_spellings(capsys):
    with pytest.raises(SystemExit):
        parse(["evaluate", "--help"])
    text = capsys.readouterr().out
    assert "--think-budget" in text and "--num-seeds" in text
    assert "--budget " not in text and "--seeds " not in text and "--words " not in text


def test_recipe_keys_old_and_new_name_the_same_option():
    actions = option_actions(stage_parser("evaluate"))
    assert actions["think_budget"] is actions["budget"]
    assert actions["num_seeds"] is actions["seeds"]
    assert actions["think_words"] is actions["words"]
    assert "--think-budget" in actions["budget"].option_strings
