"""The command line's own surface: help layout, --version, -h, check --list-rules, the format
convention (text unless --format) and plain progress lines when stderr is not a terminal."""
from __future__ import annotations

import json
import re

import pytest
from typer.testing import CliRunner

from cli import app
from conftest import REPORTS_DIR

runner = CliRunner()

COMMANDS = [["parse"], ["tables"], ["check"], ["themes"], ["compare"], ["diff"], ["summarize"], ["analyze"],
            ["train", "themes"], ["train", "summarizer"], ["train", "userdict"], ["train"], []]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "xxgk")
def test_help_shows_no_type_for_flags_and_paths_as_path(command):
    long = runner.invoke(app, [*command, "--help"], terminal_width=120)
    short = runner.invoke(app, [*command, "-h"], terminal_width=120)
    assert long.exit_code == 0 and short.exit_code == 0, long.output
    assert short.output == long.output
    assert "<bool>" not in long.output
    assert "{" not in long.output.splitlines()[1]  # the usage line: no {paths}
    assert re.search(r"--help\s+-h\s+Show this message", long.output)


def test_usage_lines_name_the_arguments():
    usage = {name: runner.invoke(app, [name, "--help"], terminal_width=120).output.splitlines()[1].split(" [OPTIONS] ")[1].strip()
             for name in ("parse", "check", "diff", "analyze")}
    assert usage == {"parse": "PATH...", "check": "[PATH...]", "diff": "PATH PATH", "analyze": "[PATH...]"}


def test_version():
    import nlp

    res = runner.invoke(app, ["--version"])
    assert res.exit_code == 0
    assert res.stdout == f"xxgk {nlp.__version__}\n"
    assert re.fullmatch(r"\d+\.\d+\.\d+", nlp.__version__)


def test_check_list_rules_text_and_json():
    res = runner.invoke(app, ["check", "--list-rules"])
    assert res.exit_code == 0, res.output
    rows = [ln.split(None, 2) for ln in res.stdout.splitlines()]
    ids = [r[0] for r in rows]
    assert ids == sorted(ids)
    # the table-3 balance, the cross-year carry-over and the narrative-number rules, with their scopes
    scope = {r[0]: r[1] for r in rows}
    assert scope["T3-BALANCE"] == "report" and scope["TXT-NUM"] == "report"
    assert scope["XY-CARRY"] == "series" and scope["XY-STOCK"] == "series"
    assert all(len(r) == 3 and r[2].strip() for r in rows)  # every rule says what it checks
    res = runner.invoke(app, ["check", "--list-rules", "--format", "json"])
    listed = json.loads(res.stdout)
    assert [d["id"] for d in listed] == ids and {"id", "scope", "description"} == set(listed[0])


def test_check_without_paths_is_a_one_line_error():
    res = runner.invoke(app, ["check"])
    assert res.exit_code == 2
    assert res.stdout == "" and "PATH" in res.stderr and "Traceback" not in res.output


def test_parse_defaults_to_text_like_the_other_commands():
    res = runner.invoke(app, ["parse", str(REPORTS_DIR / "huaian-office-2019.txt")])
    assert res.exit_code == 0
    first = res.stdout.splitlines()[0]
    assert first == "淮安市人民政府办公室2019年政府信息公开工作年度报告"  # the outline starts with the report's title
    assert "[overview] 一、总体情况" in res.stdout and "（一）新《条例》宣传教育培训情况" in res.stdout
    as_json = runner.invoke(app, ["parse", str(REPORTS_DIR / "huaian-office-2019.txt"), "--format", "json"])
    assert json.loads(as_json.stdout)["agency"] == "淮安市人民政府办公室"


def test_progress_without_a_terminal_is_plain_lines(tmp_path):
    text = (REPORTS_DIR / "huaian-office-2019.txt").read_text(encoding="utf-8")
    for i in range(4):  # more files than PROGRESS_MIN_FILES, each different (identical files are read once)
        (tmp_path / f"copy{i}.txt").write_text(text + f"\n附：第{i + 1}份副本。\n", encoding="utf-8")
    res = runner.invoke(app, ["tables", str(tmp_path), "--out", str(tmp_path / "cells.csv")])
    assert res.exit_code == 0, res.output
    lines = res.stderr.splitlines()
    assert lines[-1] == "reading reports: 4/4"
    assert all(re.fullmatch(r"reading reports: [1-4]/4", ln) for ln in lines)
    assert "\x1b" not in res.stderr and "\r" not in res.stderr  # no live display, no terminal codes
