"""`congvan lint`: NĐ 30 layout checker (see congvan.lint.check)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import click

from congvan.cli.main import cli

if TYPE_CHECKING:
    from congvan.lint.check import Finding


def _line(path: str, finding: Finding) -> str:
    where = f" [{finding.location}]" if finding.location else ""
    return (f"{path}: [{finding.rule_id}] {finding.severity} {finding.component}: {finding.found} ; "
            f"cần: {finding.expected}{where}")


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "json_output", is_flag=True, help="Print the findings as JSON.")
def lint(files: tuple[Path, ...], json_output: bool) -> int:
    """Check .docx files against the NĐ 30 layout (docs/lint.md lists the rules).

    Exit code 0 when no file has an error (warnings allowed), 1 when some finding is an error,
    2 when a file cannot be read as .docx.

    \b
    Example:
        congvan lint output/cong_van_phuong_nha_trang.docx
        congvan lint --json output/*.docx > ket_qua_kiem_tra.json
    """
    from congvan.lint.report import lint_files

    report = lint_files(files)
    if json_output:
        click.echo(json.dumps([f.as_dict() for f in report.files], ensure_ascii=False, indent=2))
        return report.exit_code
    for checked in report.files:
        if checked.error is not None:
            click.echo(f"Lỗi: {checked.error}", err=True)
            continue
        for finding in checked.findings:
            click.echo(_line(str(checked.path), finding))
        verdict, errors = ("không đạt" if checked.errors else "đạt"), checked.errors
        click.echo(f"{checked.path}: {verdict} ({errors} lỗi, {len(checked.findings) - errors} cảnh báo)")
    return report.exit_code
