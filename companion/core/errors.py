"""The one base of the errors companion reports to the coach as a plain line.

Kept apart (and import-free) so the command line can catch them without loading the store.
"""


class CompanionError(Exception):
    """Something the coach asked for that can't be done; the message says why, in one line."""


def refusal(sqlite_message: str) -> str:
    """Why SQLite refused, in the coach's words; '' when its message says nothing known.

    Only the kind of refusal is taken from SQLite's message, never its text: it may quote a note.
    """
    text = sqlite_message.lower()
    if "full" in text:
        return "the disk is full"
    if "readonly" in text or "read-only" in text:
        return "the practice file is read-only"
    if "locked" in text or "busy" in text:
        return "another program holds the practice locked"
    if "i/o" in text:
        return "the disk reported an error"
    return ""
