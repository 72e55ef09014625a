"""What the CLI tests share: run a command in-process, and read a refusal's one stderr line."""

from __future__ import annotations

from click.testing import CliRunner, Result

from companion.cli import cli


def run(runner: CliRunner, *args: str) -> Result:
    return runner.invoke(cli, list(args), catch_exceptions=False)


def one_line_error(result: Result, status: int = 2) -> str:
    """The single line a refused command printed on stderr (nothing on stdout, no traceback)."""
    assert result.exit_code == status, result.output
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]
