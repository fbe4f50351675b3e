"""`congvan lint`: NĐ 30 layout checker (see congvan.lint.check)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from congvan.cli.main import cli
from congvan.errors import LayoutFileError
from congvan.lint.check import Finding, check_docx


def _line(path: str, finding: Finding) -> str:
    where = f" [{finding.location}]" if finding.location else ""
    return (f"{path}: [{finding.rule_id}] {finding.severity} {finding.component}: {finding.found} ; "
            f"cần: {finding.expected}{where}")


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "json_output", is_flag=True, help="Print the findings as JSON.")
def lint(files: tuple[Path, ...], json_output: bool) -> None:
    """Check .docx files against the NĐ 30 layout (docs/lint.md lists the rules).

    Exit code 0 when no file has an error (warnings allowed), 1 when some finding is an error,
    2 when a file cannot be read as .docx.

    \b
    Example:
        congvan lint output/cong_van_phuong_nha_trang.docx
        congvan lint --json output/*.docx > ket_qua_kiem_tra.json
    """
    status = 0
    report: list[dict[str, object]] = []
    for path in files:
        try:
            findings = check_docx(path)
        except LayoutFileError as err:
            status = 2
            report.append({"file": str(path), "error": str(err), "findings": []})
            if not json_output:
                click.echo(f"Lỗi: {err}", err=True)
            continue
        errors = sum(f.severity == "error" for f in findings)
        if errors and status == 0:
            status = 1
        report.append({"file": str(path), "error": None, "findings": [f.as_dict() for f in findings]})
        if not json_output:
            for finding in findings:
                click.echo(_line(str(path), finding))
            verdict = "không đạt" if errors else "đạt"
            click.echo(f"{path}: {verdict} ({errors} lỗi, {len(findings) - errors} cảnh báo)")
    if json_output:
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
    sys.exit(status)
