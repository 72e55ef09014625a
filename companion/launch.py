"""The `companion` command: the CLI, imported with the garbage collector paused (services/heap)."""

from __future__ import annotations


def main() -> None:
    from companion.services import heap

    heap.manage()
    with heap.paused():
        from companion.cli import main as cli

    cli()
