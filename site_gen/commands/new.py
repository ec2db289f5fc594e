"""``site-gen new``: ask for what is missing, check every answer, write the filing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from ..errors import UsageError
from ..new import QUESTIONS, Answers, Question, unit_folder, write_filing
from ..reporters import format_text
from ..rules import check_registry
from . import registry_root


def _answer(question: Question, given: object, answers: Answers) -> Any:
    """The checked answer: a given option is refused when wrong, never asked again. What
    is worth saying about it (how a date was read, a name's warning) is said before the file
    is written."""
    if given is not None:
        text = given if isinstance(given, str) else ("是" if given is True else "否")
        value, problem = question.check(text, answers)
        if problem:
            raise UsageError(f"--{question.key.replace('_', '-')}：{problem}")
    else:
        while True:
            text = str(click.prompt(question.prompt, default=question.default,
                                    show_default=False))
            value, problem = question.check(text, answers)
            if problem is None:
                break
            click.echo(f"  {problem}请重新输入。", err=True)
    for note in question.notes(text, value):
        click.echo(f"  {note}")
    return value


def _unit(root: Path, given: str | None) -> str:
    while True:
        text = given if given is not None else click.prompt(
            "单位文件夹（filings/ 下，例如 dongcheng/shiyan-xiaoxue）")
        path, problem = unit_folder(root, text)
        if problem is None:
            return path
        if given is not None:
            raise UsageError(f"--unit：{problem}")
        click.echo(f"  {problem}请重新输入。", err=True)


def run_new(root: Path, unit: str | None, options: dict[str, object]) -> int:
    """Ask for what is missing, check every answer, write the filing and validate it."""
    unit_path = _unit(registry_root(root), unit)
    answers: Answers = {"_registry": check_registry(root).registry}
    for question in QUESTIONS:
        if question.asked(answers):
            answers[question.key] = _answer(question, options.get(question.key), answers)
        elif options.get(question.key) is not None:
            raise UsageError(f"--{question.key.replace('_', '-')} 只适用于"
                             f"{'微信公众号' if question.key == 'wechat_kind' else '已认证的账号'}。")
    shown = write_filing(root, unit_path, answers)
    click.echo(f"已创建 {shown}。请补充其他字段（见 docs/fields.md）后提交合并请求。")
    outcome = check_registry(root, [shown])
    if outcome.problems:
        click.echo(format_text(1, outcome.problems), nl=False)
    return 1 if outcome.errors else 0
