"""The `companion` command (the console script and `python -m companion`): the CLI, imported
with the garbage collector paused (see companion/services/heap.py)."""

from __future__ import annotations


def main() -> None:
    from companion.services import heap

    heap.manage()
    with heap.paused():
        from companion.cli import main as cli

    cli()


if __name__ == "__main__":
    main()
