"""Every command has help that starts with its Vietnamese name and ends with an example that runs, the README
names it, and `congvan init` makes every workspace file the docs mention.

The examples run, in order, against a copy of the sample workspace prepared so that examples naming a batch
or a number find them: a draft batch (its id replaces the examples' `20261122-093012-a1b2c3`) and seven
issued letters, numbers 01–07 of 2026, 05 being Phường Nha Trang. The clock is frozen (preparation on
22/11/2026, examples on 26/11/2026), so the dates the examples give are valid on any day the tests run.
"""

from __future__ import annotations

import datetime as dt
import glob
import re
import shlex
import shutil
import types
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from congvan import clock
from congvan.cli import cli
from tests.conftest import require_tool

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def _commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = [prefix]
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            found += _commands(command, (*prefix, name))
        else:
            found.append((*prefix, name))
    return found


@pytest.mark.parametrize("path", _commands(cli), ids=lambda p: " ".join(p) or "congvan")
def test_help_ends_with_an_example(path):
    result = CliRunner().invoke(cli, [*path, "--help"], terminal_width=200)
    assert result.exit_code == 0
    description = result.output.split("\nTùy chọn:")[0].rstrip()
    example = description.rsplit("Ví dụ:", 1)
    assert len(example) == 2, f"`congvan {' '.join(path)} --help` has no Example block"
    assert "congvan" in example[1] and example[1].strip().splitlines()[0].strip().startswith("congvan")


@pytest.mark.parametrize("path", [p for p in _commands(cli) if p], ids=lambda p: " ".join(p))
def test_readme_mentions_every_command(path):
    assert f"congvan {path[0]}" in README


def test_ci_runs_the_readme_test_command():
    ci = (Path(__file__).resolve().parent.parent / ".ci" / "run").read_text(encoding="utf-8")
    command = next(line for line in README.splitlines() if line.startswith("python3 -m venv") and "pytest" in line)
    assert "mypy congvan" in command and "ruff check" in command
    assert command in ci.splitlines(), ".ci/run must run the README's test command, character for character"


DOCS = [Path(__file__).resolve().parent.parent / "README.md",
        *sorted((Path(__file__).resolve().parent.parent / "docs").glob("*.md"))]
# a workspace file as the docs write it: congvan.toml, data/…, recipients/…, templates_docx/… (not congvan/recipients/…)
WORKSPACE_PATH = re.compile(r"(?<![\w/.])(congvan\.toml|(?:data|recipients|templates_docx)/[\w.*-]*\w)")


def test_init_makes_every_workspace_file_the_docs_mention(tmp_path):
    mentioned = {m for doc in DOCS for m in WORKSPACE_PATH.findall(doc.read_text(encoding="utf-8"))}
    assert {"congvan.toml", "data/README.md", "data/tieu_chi.toml", "recipients/bo_sung.csv"} <= mentioned
    target = tmp_path / "moi"
    assert CliRunner().invoke(cli, ["init", str(target)]).exit_code == 0
    missing = sorted(path for path in mentioned if not list(target.glob(path)))
    assert not missing, f"the docs mention {missing}, which `congvan init` does not create"
    assert (target / "output").is_dir()


# -- every example of every --help runs --

PLACEHOLDER_BATCH = re.compile(r"\d{8}-\d{6}-[0-9a-f]{6}")
ISSUED_UNITS = ("Đặc khu Trường Sa", "Phường Ba Ngòi", "Phường Bảo An", "Phường Bắc Cam Ranh", "Phường Nha Trang",
                "Phường Tây Nha Trang", "Xã Cam Lâm")  # issued in this (alphabetical) order: Nha Trang gets 05
# the draft batch the examples issue: units without a number yet (issuing an issued unit again is refused)
DRAFT_UNITS = ("Phường Đô Vinh", "Phường Đông Hải", "Phường Hòa Thắng")
NEEDS_SOFFICE = re.compile(r"congvan pdf|--pdf|--bundle")


def help_examples(path: tuple[str, ...]) -> list[str]:
    """The lines of the Example block of `congvan <path> --help`."""
    output = CliRunner().invoke(cli, [*path, "--help"], terminal_width=200).output
    block = output.split("\nTùy chọn:")[0].rsplit("Ví dụ:", 1)[1]
    return [line.strip() for line in block.strip().splitlines() if line.strip()]


def _frozen_clock(at: dt.datetime) -> types.SimpleNamespace:
    """A stand-in for the `datetime` module inside congvan.clock whose `datetime.now` is `at`."""

    class Frozen(dt.datetime):
        @classmethod
        def now(cls, tz: dt.tzinfo | None = None) -> Frozen:
            return cls.fromtimestamp(at.timestamp(), tz)

    return types.SimpleNamespace(datetime=Frozen, timezone=dt.timezone, timedelta=dt.timedelta, tzinfo=dt.tzinfo)


def _at(day: int, hour: int) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, 30, 12, tzinfo=clock.FIXED_UTC7)


def run(line: str, cwd: Path, monkeypatch: pytest.MonkeyPatch, batch_id: str, urls: dict[str, str] | None = None
        ) -> Path:
    """Run one example line as a shell would (`&&`, `cd`, `>`, `*`), each `congvan` in process; return the cwd.

    `urls` replaces the examples' server addresses (may-chu-so) by the test server's."""
    for placeholder, url in (urls or {}).items():
        line = line.replace(placeholder, url)
    for command in PLACEHOLDER_BATCH.sub(batch_id, line).split(" && "):
        words = shlex.split(command)
        if words[0] == "cd":
            cwd = cwd / words[1]
            continue
        assert words[0] == "congvan", line
        target = None
        if ">" in words:
            words, target = words[:words.index(">")], cwd / words[words.index(">") + 1]
        monkeypatch.chdir(cwd)
        args = [arg for word in words[1:] for arg in (sorted(glob.glob(word)) if "*" in word else [word])]
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 0, f"`{line}` exited {result.exit_code}:\n{result.output}"
        if target is not None:
            target.write_text(result.stdout, encoding="utf-8")
    return cwd


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """A sample workspace with seven issued letters and one draft batch; return it and the draft's id."""
    root = tmp_path_factory.mktemp("examples") / "ws"
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("CONGVAN_REGISTER_URL", raising=False)
        patch.setattr(clock, "dt", _frozen_clock(_at(22, 9)))
        runner = CliRunner()
        assert runner.invoke(cli, ["init", str(root)]).exit_code == 0
        units = [arg for unit in ISSUED_UNITS for arg in ("--unit", unit)]
        result = runner.invoke(cli, ["build", "-w", str(root), *units, "--issue"])
        assert result.exit_code == 0, result.output
        assert (root / "output" / "2026" / "05-SNV-CCHC_phuong-nha-trang.docx").is_file()
        issued = set((root / "output" / "drafts").iterdir())
        drafts = [arg for unit in DRAFT_UNITS for arg in ("--unit", unit)]
        result = runner.invoke(cli, ["build", "-w", str(root), *drafts])
        assert result.exit_code == 0, result.output
    (draft,) = set((root / "output" / "drafts").iterdir()) - issued
    yield root, draft.name


# the examples' PostgreSQL server (docs/office.md): an administrator's URL, and the clerks' empty register
ADMIN_EXAMPLE = "postgresql://postgres@may-chu-so:5432/postgres"
REGISTER_EXAMPLE = "postgresql://vanthu@may-chu-so:5432/congvan"


@pytest.fixture
def server_urls(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    """The test server in place of the examples' one; the role and database `init-postgres` makes are dropped."""
    import sqlalchemy as sa

    from tests.test_register_support import backend_url

    for register_url in backend_url("postgresql", tmp_path):
        admin = sa.make_url(register_url).set(database="postgres", query={})
        monkeypatch.setenv("CONGVAN_NEW_ROLE_PASSWORD", "mat-khau-thu")
        yield {ADMIN_EXAMPLE: admin.render_as_string(hide_password=False), REGISTER_EXAMPLE: register_url}
        engine = sa.create_engine(admin.set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(sa.text("DROP DATABASE IF EXISTS congvan WITH (FORCE)"))
            conn.execute(sa.text("DROP ROLE IF EXISTS vanthu"))
        engine.dispose()


@pytest.mark.parametrize("path", _commands(cli), ids=lambda p: " ".join(p) or "congvan")
def test_every_help_example_runs(path, prepared, tmp_path, monkeypatch, request):
    examples = help_examples(path)
    if any(NEEDS_SOFFICE.search(line) for line in examples):
        require_tool("soffice")
    urls = request.getfixturevalue("server_urls") if any("may-chu-so" in line for line in examples) else {}
    root, batch_id = prepared
    workspace = tmp_path / "ws"
    shutil.copytree(root, workspace)
    monkeypatch.delenv("CONGVAN_REGISTER_URL", raising=False)
    monkeypatch.setattr(clock, "dt", _frozen_clock(_at(26, 10)))
    cwd = workspace
    for line in examples:
        cwd = run(line, cwd, monkeypatch, batch_id, urls)


VIETNAMESE_LETTERS = set("ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ")


@pytest.mark.parametrize("path", _commands(cli), ids=lambda p: " ".join(p) or "congvan")
def test_help_starts_with_what_the_command_does_in_vietnamese(path):
    command: click.Command = cli
    for name in path:
        assert isinstance(command, click.Group)
        command = command.commands[name]
    first = (command.help or "").strip().splitlines()[0]
    words = re.findall(r"\w+", first.lower())
    vietnamese = [w for w in words if VIETNAMESE_LETTERS & set(w)]
    assert len(vietnamese) >= len(words) / 2, f"`congvan {' '.join(path)} --help` starts in English: {first!r}"
    if path:  # the command list of `congvan --help` shows it whole
        assert command.get_short_help_str(limit=60) == first
