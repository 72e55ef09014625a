"""Searching the practice: every text a coach may look for, one FTS5 query over its indexes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlite_utils import Database

from companion.core.models import SearchHit
from companion.core.snippets import snippet

from .base import _locked
from .schema import SEARCH_INDEXED

if TYPE_CHECKING:
    from .store import Store


def fts_query(text: str) -> str:
    """An FTS5 query for what a coach typed: every word quoted, as a prefix, all required.

    Quoting takes away FTS5's own syntax (AND, NEAR(, *, ", -, column:) so no input can raise;
    words with no letter or digit match nothing, so they are left out. '' means "search nothing".
    """
    words = [word for word in text.split() if any(ch.isalnum() for ch in word)]
    return " ".join('"' + word.replace('"', '""') + '"*' for word in words)


# What each kind of hit searches: its table (its FTS5 index TABLE_fts over the columns of
# schema.SEARCH_INDEXED), the session and start time it belongs to, and the joins to them and
# the client.
_INDEXED: dict[str, tuple[str, str, str, str]] = {
    "notes": (
        "notes",
        "sessions.id",
        "sessions.started_at",
        "JOIN sessions ON sessions.id = notes.session_id"
        " JOIN clients ON clients.id = sessions.client_id",
    ),
    "agreement": (
        "sessions",
        "sessions.id",
        "sessions.started_at",
        "JOIN clients ON clients.id = sessions.client_id",
    ),
    "action": (
        "actions",
        "actions.session_id",
        "sessions.started_at",
        "JOIN clients ON clients.id = actions.client_id"
        " LEFT JOIN sessions ON sessions.id = actions.session_id",
    ),
    "takeaway": (
        "takeaways",
        "sessions.id",
        "sessions.started_at",
        "JOIN sessions ON sessions.id = takeaways.session_id"
        " JOIN clients ON clients.id = sessions.client_id",
    ),
    "goal": ("goals", "NULL", "NULL", "JOIN clients ON clients.id = goals.client_id"),
    "contract": (
        "engagements",
        "NULL",
        "NULL",
        "JOIN clients ON clients.id = engagements.client_id",
    ),
}


class Search:
    """Full-text search over notes, agreements, actions, takeaways, goals and contracts."""

    db: Database

    # -- search ------------------------------------------------------------------------------

    @_locked
    def search(
        self: Store, query: str, *, client_id: int | None = None, limit: int = 50
    ) -> list[SearchHit]:
        """Full-text search over notes, agreements, actions, takeaways, goals (every SMARTE
        field) and contracts, best matches first; a notes hit says the step it is under.

        The query is taken as plain words, each matching the start of a word ("deleg" finds
        "delegation"), all of them required; anything a coach types is safe (see fts_query).
        """
        match = fts_query(query)
        if not match:
            return []
        parts = [
            f"""SELECT '{kind}' AS kind, found.rowid AS record, {session} AS session_id,
                   clients.id AS client_id, clients.name AS client_name,
                   {started} AS started_at, found.rank AS rank
            FROM {_found(table, client_id)} JOIN {table} ON {table}.rowid = found.rowid {joins}
            {"WHERE clients.id = :client_id" if client_id is not None else ""}"""
            for kind, (table, session, started, joins) in _INDEXED.items()
        ]
        sql = f"""SELECT * FROM ({" UNION ALL ".join(parts)})
            ORDER BY rank, started_at DESC LIMIT :limit"""
        params = {"match": match, "client_id": client_id, "limit": limit}
        found = list(self.db.query(sql, params))
        texts = self._searched_texts(found)
        return [_hit(row, texts[row["kind"], row["record"]], query) for row in found]

    def _searched_texts(self: Store, found: list[dict]) -> dict[tuple[str, int], list[str]]:
        """The searched fields of each record found, by (kind, rowid): one query per kind."""
        texts: dict[tuple[str, int], list[str]] = {}
        for kind, (table, *_) in _INDEXED.items():
            columns = SEARCH_INDEXED[table]
            ids = [row["record"] for row in found if row["kind"] == kind]
            if not ids:
                continue
            marks = ", ".join("?" for _ in ids)
            fields = ", ".join(f"coalesce({column}, '')" for column in columns)
            sql = f"SELECT rowid, {fields} FROM {table} WHERE rowid IN ({marks})"
            for rowid, *values in self.db.execute(sql, ids).fetchall():
                texts[kind, rowid] = list(values)
        return texts


def _found(table: str, client_id: int | None) -> str:
    """TABLE's matches as `found`: over the whole practice, only each index's best LIMIT (ranked
    by FTS5 itself, ties newest first), so the joins touch fifty rows, not every match (3-5x
    faster at 50,000 sessions); for one client, every match, the client's filter being a join."""
    best = "" if client_id is not None else "ORDER BY rank, rowid DESC LIMIT :limit"
    return f"(SELECT rowid, rank FROM {table}_fts WHERE {table}_fts MATCH :match {best}) AS found"


def _hit(row: dict, texts: list[str], query: str) -> SearchHit:
    """A row found as the coach sees it: its snippet, and for notes the step it is under."""
    from companion.core.notes import step_of_match

    marked = snippet(texts, query)
    fields = {k: v for k, v in row.items() if k not in ("rank", "record")}
    step = step_of_match(texts[0], marked) if row["kind"] == "notes" else ""
    return SearchHit.model_validate({**fields, "snippet": marked, "step": step})
