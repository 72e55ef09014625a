"""`sessions --json` streams its array: the same bytes as printing the whole list at once."""

from __future__ import annotations

import click
from click.testing import CliRunner

from companion.cli.common import echo_json, echo_json_array


def _printed(function: object, data: list[object]) -> str:
    @click.command()
    def show() -> None:
        function(data)  # type: ignore[operator]

    return CliRunner().invoke(show).output


def test_streamed_array_is_the_list_printed_at_once() -> None:
    data: list[object] = [
        {"id": 1, "topic": "Monday's meeting\nand after", "client_name": "Zoë", "x": None},
        {"id": 2, "nested": {"a": [1, 2, {"b": "\x7f\x85 controls"}]}, "empty": {}, "list": []},
        {},
    ]
    assert _printed(echo_json_array, data) == _printed(echo_json, data)
    assert _printed(echo_json_array, []) == _printed(echo_json, []) == "[]\n"
