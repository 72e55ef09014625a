"""The one base of the errors companion reports to the coach as a plain line.

Kept apart (and import-free) so the command line can catch them without loading the store.
"""


class CompanionError(Exception):
    """Something the coach asked for that can't be done; the message says why, in one line."""
