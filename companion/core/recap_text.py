"""The recap as plain text, for an email or a chat: the one Markdown recap with its syntax gone.

A pure transform of the Markdown, line by line, so whatever a section of the Markdown recap
says (however it was built, or as the coach edited it) reads the same here: headings as their
words, `**bold**` and `_emphasis_` as the words, `- [ ]` and `*` items as a plain dash, links as
their text and address. Only marks go; every word and number stays.
"""

from __future__ import annotations

import re

_HEADING = re.compile(r"^\s{0,3}#{1,6}\s*(.*?)\s*#*\s*$")
_ITEM = re.compile(r"^(\s*)(?:[-*+]\s+|\[[ xX]\]\s+)(.*)$")
_MARKS = re.compile(r"^(?:(?:[-*+]|\[[ xX]\]|#{1,6})(?:\s+|$))+")
_QUOTE = re.compile(r"^\s{0,3}>\s?")
_RULE = re.compile(r"^\s{0,3}([-*_])(\s*\1){2,}\s*$")
_LINK = re.compile(r"\[([^\]\n]*)\]\(([^)\s]+)\)")
_CODE = re.compile(r"(?<![^\W_])(?<!`)(`+)(.+?)\1(?![^\W_]|`)")
_STRONG = re.compile(r"\*\*|__")
_EMPHASIS = re.compile(r"(?<![\w*])[*_](?=\S)(.+?)(?<=\S)[*_](?![\w*])")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!>])")


def _unmarked(match: re.Match[str]) -> str:
    """A bold mark goes; between two letters or digits ('2**3') a space keeps the words apart."""
    text, start, end = match.string, match.start(), match.end()
    inside = start > 0 and end < len(text) and text[start - 1].isalnum() and text[end].isalnum()
    return " " if inside else ""


def _inline(text: str) -> str:
    """TEXT with its inline marks taken off: bold, emphasis, code, links, escapes."""
    text = _LINK.sub(lambda m: f"{m[1]} ({m[2]})" if m[2] else m[1], text)
    text = _CODE.sub(r"\2", text)  # a code span: its text (a lone backtick stays)
    text = _without_strong(text)
    text = _EMPHASIS.sub(r"\1", text)
    return _without_strong(_ESCAPE.sub(r"\1", text))  # '\*\*' unescaped is a mark again


def _without_strong(text: str) -> str:
    while _STRONG.search(text):  # '*__*' leaves '**' once the inner pair goes
        text = _STRONG.sub(_unmarked, text)
    return text


def _tidy(line: str) -> str:
    """The last marks an escape or a removed pair left at the start of a line ('\\#' -> '#')."""
    indent = line[: len(line) - len(line.lstrip())]
    rest = line.lstrip()
    if rest.startswith(("#", "* ", "+ ", "- ")) or rest in ("*", "+", "-"):
        marks = _MARKS.match(rest)
        if marks:
            body = rest[marks.end() :]
            was_item = not rest.startswith("#")
            return f"{indent}- {body}".rstrip() if was_item else f"{indent}{body}".rstrip()
    return line


def plain_text(markdown: str) -> str:
    """MARKDOWN (a recap) as plain text: no `#`, `**` or `- [ ]`; lists keep a plain dash."""
    out: list[str] = []
    for line in markdown.splitlines():
        line = _QUOTE.sub("", line)
        if _RULE.match(line):
            out.append("")
            continue
        heading = _HEADING.match(line)
        if heading:  # its words alone (no mark left in front of them)
            out.append(_MARKS.sub("", _inline(heading[1])))
            continue
        item = _ITEM.match(line)
        if item:  # `- [ ] x`, `* x`, `- - x`, `- # x`: one plain dash
            body = _MARKS.sub("", _inline(item[2]))
            out.append(f"{item[1]}- {_MARKS.sub('', body)}".rstrip())
            continue
        out.append(_tidy(_inline(line).rstrip()))
    text = "\n".join(out)
    text = re.sub(r"\n{3,}", "\n\n", text).strip("\n")
    return text + "\n" if text else ""
