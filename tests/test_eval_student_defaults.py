"""`evaluate` on a trained student asks the way the student was trained: K and the system prompt from its
``naturalthoughts-student.json`` (printed and recorded), unless the command line gives them."""

from __future__ import annotations

import json

from naturalthoughts.main import main


def _student(tmp_path):
    final = tmp_path / "student" / "final"
    final.mkdir(parents=True)
    (final / "config.json").write_text("{}")
    (final / "naturalthoughts-student.json").write_text(json.dumps(
        {"student": "smollm2-135m", "sft_strings": {"think_words": 77, "system_prompt": "You are terse."}}))
    return tmp_path / "student"


def _evaluate(student, out, *extra):
    return main(["evaluate", "--backend", "fake", "--model", str(student), "--benchmark", "nt-mcq",
                 "--limit", "2", "--mode", "think", "--out", str(out), *extra])


def test_evaluate_defaults_to_what_the_student_was_trained_with(tmp_path, capsys):
    student = _student(tmp_path)
    assert _evaluate(student, tmp_path / "eval") == 0
    err = capsys.readouterr().err
    assert "K = 77" in err and "system prompt 'You are terse.'" in err
    config = json.loads((tmp_path / "eval" / "manifest.json").read_text())["config"]
    assert config["words"] == 77 and config["system_prompt"] == "You are terse."
    assert config["defaults_from_student"] == {"think_words": 77, "system_prompt": "You are terse."}
    samples = (tmp_path / "eval" / "samples.jsonl").read_text().splitlines()
    prompts = [json.loads(line)["prompt"] for line in samples]
    assert all("Use about 77 words" in p for p in prompts)

    assert _evaluate(student, tmp_path / "given", "--think-words", "5", "--system-prompt", "Be kind.") == 0
    config = json.loads((tmp_path / "given" / "manifest.json").read_text())["config"]
    assert (config["words"], config["system_prompt"]) == (5, "Be kind.")
    assert config["defaults_from_student"] is None
