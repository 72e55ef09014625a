"""Searching the practice: every text a coach may look for, one FTS5 query over its indexes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlite_utils import Database

from companion.core.models import (
    SearchHit,
)

from .base import _locked

if TYPE_CHECKING:
    from .store import Store


def fts_query(text: str) -> str:
    """An FTS5 query for what a coach typed: every word quoted, as a prefix, all required.

    Quoting takes away FTS5's own syntax (AND, NEAR(, *, ", -, column:) so no input can raise;
    words with no letter or digit match nothing, so they are left out. '' means "search nothing".
    """
    words = [word for word in text.split() if any(ch.isalnum() for ch in word)]
    return " ".join('"' + word.replace('"', '""') + '"*' for word in words)


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
        client_clause = "AND clients.id = :client_id" if client_id is not None else ""
        sql = f"""
        SELECT * FROM (
            SELECT 'notes' AS kind, sessions.id AS session_id, clients.id AS client_id,
                   clients.name AS client_name, sessions.started_at AS started_at,
                   snippet(notes_fts, -1, '[[', ']]', '…', 16) AS snippet, notes_fts.rank AS rank
            FROM notes_fts
            JOIN notes ON notes.rowid = notes_fts.rowid
            JOIN sessions ON sessions.id = notes.session_id
            JOIN clients ON clients.id = sessions.client_id
            WHERE notes_fts MATCH :match {client_clause}
            UNION ALL
            SELECT 'agreement', sessions.id, clients.id, clients.name, sessions.started_at,
                   snippet(sessions_fts, -1, '[[', ']]', '…', 16), sessions_fts.rank
            FROM sessions_fts
            JOIN sessions ON sessions.rowid = sessions_fts.rowid
            JOIN clients ON clients.id = sessions.client_id
            WHERE sessions_fts MATCH :match {client_clause}
            UNION ALL
            SELECT 'action', actions.session_id, clients.id, clients.name, sessions.started_at,
                   snippet(actions_fts, -1, '[[', ']]', '…', 16), actions_fts.rank
            FROM actions_fts
            JOIN actions ON actions.rowid = actions_fts.rowid
            JOIN clients ON clients.id = actions.client_id
            LEFT JOIN sessions ON sessions.id = actions.session_id
            WHERE actions_fts MATCH :match {client_clause}
            UNION ALL
            SELECT 'takeaway', sessions.id, clients.id, clients.name, sessions.started_at,
                   snippet(takeaways_fts, -1, '[[', ']]', '…', 16), takeaways_fts.rank
            FROM takeaways_fts
            JOIN takeaways ON takeaways.rowid = takeaways_fts.rowid
            JOIN sessions ON sessions.id = takeaways.session_id
            JOIN clients ON clients.id = sessions.client_id
            WHERE takeaways_fts MATCH :match {client_clause}
            UNION ALL
            SELECT 'goal', NULL, clients.id, clients.name, NULL,
                   snippet(goals_fts, -1, '[[', ']]', '…', 16), goals_fts.rank
            FROM goals_fts
            JOIN goals ON goals.rowid = goals_fts.rowid
            JOIN clients ON clients.id = goals.client_id
            WHERE goals_fts MATCH :match {client_clause}
            UNION ALL
            SELECT 'contract', NULL, clients.id, clients.name, NULL,
                   snippet(engagements_fts, -1, '[[', ']]', '…', 16), engagements_fts.rank
            FROM engagements_fts
            JOIN engagements ON engagements.rowid = engagements_fts.rowid
            JOIN clients ON clients.id = engagements.client_id
            WHERE engagements_fts MATCH :match {client_clause}
        ) ORDER BY rank, started_at DESC LIMIT :limit
        """
        rows = self.db.query(sql, {"match": match, "client_id": client_id, "limit": limit})
        hits = [
            SearchHit.model_validate({k: v for k, v in row.items() if k != "rank"}) for row in rows
        ]
        return self._with_steps(hits)

    def _with_steps(self: Store, hits: list[SearchHit]) -> list[SearchHit]:
        """Each notes hit with the step its match is under (one more query, for all of them)."""
        from companion.core.notes import step_of_match

        ids = sorted({h.session_id for h in hits if h.kind == "notes" and h.session_id})
        if not ids:
            return hits
        marks = ", ".join("?" for _ in ids)
        texts = dict(
            self.db.execute(
                f"SELECT session_id, text FROM notes WHERE session_id IN ({marks})", ids
            ).fetchall()
        )
        return [
            hit.model_copy(
                update={"step": step_of_match(texts.get(hit.session_id, ""), hit.snippet)}
            )
            if hit.kind == "notes"
            else hit
            for hit in hits
        ]
