"""companion: a terminal companion for a coach's live sessions, offline and private."""

__version__ = "0.1.0"
