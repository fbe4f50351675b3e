"""One language at the keyboard: click's own messages and every help text in Vietnamese, `-h` everywhere."""

from __future__ import annotations

import ast
import fnmatch
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from congvan.cli import cli, translation
from tests.test_docs import VIETNAMESE_LETTERS, _commands

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import compile_catalog  # noqa: E402

sys.path.remove(str(ROOT / "scripts"))

PO = ROOT / "congvan" / "cli" / "locale" / "vi" / "LC_MESSAGES" / "click.po"


def _run(*args: str) -> click.testing.Result:
    return CliRunner().invoke(cli, list(args), prog_name="congvan", terminal_width=200)


def test_the_committed_mo_is_the_compiled_po():
    assert PO.with_suffix(".mo").read_bytes() == compile_catalog.compile_po(PO), (
        "click.mo is stale: run `python scripts/compile_catalog.py`")


def test_every_msgid_of_the_catalog_is_one_click_still_asks_for():
    source = Path(click.__file__).parent
    asked: set[str] = set()
    for path in source.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("_", "ngettext"):
                strings = [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
                asked.add("\0".join(strings))
    asked.add("required")  # click passes it through a variable: _(extra["required"])
    catalog = compile_catalog.parse_po(PO.read_text(encoding="utf-8"))
    stale = sorted(key for key in catalog if key and key not in asked)
    assert not stale, f"click no longer asks for {stale}"
    for key in ("Usage:", "Missing argument", "No such option {name!r}.", "Show this message and exit.",
                "Invalid value for {param_hint}: {message}", "Try '{command} {option}' for help."):
        assert key in catalog


def test_the_catalog_is_package_data():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["congvan.cli"]
    relative = PO.relative_to(ROOT / "congvan" / "cli")
    for path in (relative, relative.with_suffix(".mo")):
        assert any(fnmatch.fnmatch(str(path), pattern) for pattern in patterns), path


def test_help_pages_are_vietnamese():
    output = _run("build", "--help").output
    assert output.startswith("Cách dùng: congvan build [TÙY_CHỌN]")
    assert "\nTùy chọn:\n" in output and "In hướng dẫn này rồi thoát." in output and "[mặc định: .]" in output
    for english in ("Usage:", "Options:", "Show this message", "default:"):
        assert english not in output
    top = _run("--help").output
    assert "LỆNH [THAM_SỐ]..." in top and "\nLệnh:\n" in top and "Commands:" not in top


@pytest.mark.parametrize(("args", "expected"), [
    (["init"], "Lỗi: Thiếu tham số 'THƯ_MỤC'."),
    (["build", "--bogus"], "Lỗi: Không có tùy chọn '--bogus'."),
    (["bogus"], "Lỗi: Không có lệnh 'bogus'."),
    (["build", "--workers", "x"], "Lỗi: Giá trị không hợp lệ của '--workers': 'x' không phải số nguyên hợp lệ."),
    (["build", "--workers", "0"], "Lỗi: Giá trị không hợp lệ của '--workers': 0 không nằm trong khoảng x>=1."),
    (["recipients", "show", "--as", "x"], "không có trong danh sách: 'kinh-gui', 'noi-nhan'."),
    (["register", "void", "1"], "Lỗi: Thiếu tùy chọn '--ly-do'."),
    (["build", "--unit"], "Lỗi: Tùy chọn '--unit' cần giá trị đi kèm."),
])
def test_click_errors_are_vietnamese(args, expected):
    result = _run(*args)
    assert result.exit_code == 2
    assert expected in result.output, result.output
    assert "Error:" not in result.output and "Try '" not in result.output


def test_a_usage_error_shows_the_usage_and_where_help_is():
    assert _run("init").output.splitlines()[:2] == [
        "Cách dùng: congvan init [TÙY_CHỌN] THƯ_MỤC", "Xem hướng dẫn: 'congvan init --help'."]


def test_vietnamese_whatever_the_machine_locale():
    env = {**os.environ, "LANGUAGE": "fr", "LANG": "de_DE.UTF-8", "LC_ALL": "C.UTF-8"}
    out = subprocess.run([sys.executable, "-m", "congvan", "build", "--bogus"], cwd=ROOT, env=env,
                         capture_output=True, text=True)
    assert out.returncode == 2 and "Không có tùy chọn '--bogus'" in out.stderr, out.stderr


def test_version_is_vietnamese():
    assert _run("--version").output.startswith("congvan, phiên bản ")
    assert _run("-V").exit_code == 0


@pytest.mark.parametrize("path", _commands(cli), ids=lambda p: " ".join(p) or "congvan")
def test_dash_h_is_help_everywhere_and_every_option_speaks_vietnamese(path):
    result = _run(*path, "-h")
    assert result.exit_code == 0 and result.output == _run(*path, "--help").output
    command: click.Command = cli
    for name in path:
        assert isinstance(command, click.Group)
        command = command.commands[name]
    for param in command.params:
        if isinstance(param, click.Option) and param.help:
            assert VIETNAMESE_LETTERS & set(param.help.lower()), f"{param.opts} help is English: {param.help!r}"
        if isinstance(param, click.Argument):
            assert param.human_readable_name.isupper() and not param.human_readable_name.isascii(), param.name


def test_install_leaves_a_message_missing_from_the_catalog_in_english():
    assert translation.catalog().gettext("a message click never had") == "a message click never had"
