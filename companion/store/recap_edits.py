"""The recap as the coach edited it before copying: one text per session and format.

Kept apart from the session's records: the recap is built from them, and an edit only replaces
that built text when the coach copies it again. Erased with the session (ON DELETE CASCADE).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlite_utils import Database

from companion.core.models import RecapEdit, RecapFormat, Session

from .base import _locked
from .rows import RECAP_EDIT_COLUMNS, constraint_refusals, recap_edit_from_row, record_row


class RecapEdits:
    """The store's methods for edited recaps (Store inherits them)."""

    db: Database

    if TYPE_CHECKING:

        def get_session(self, session_id: int) -> Session: ...

    @_locked
    def recap_edits(self, session_id: int) -> dict[RecapFormat, RecapEdit]:
        """The session's edited recaps by format (empty when the coach has edited none)."""
        rows = self.db.execute(
            "SELECT " + ", ".join(RECAP_EDIT_COLUMNS) + " FROM recap_edits WHERE session_id = ?",
            [session_id],
        ).fetchall()
        edits = [recap_edit_from_row(row) for row in rows]
        return {edit.format: edit for edit in edits}

    @_locked
    def save_recap_edit(self, edit: RecapEdit) -> RecapEdit:
        """Keep EDIT as the session's recap in its format (replacing an earlier edit)."""
        self.get_session(edit.session_id)  # NotFound for a wrong id
        with constraint_refusals("recap"), self.db.atomic():
            self.db["recap_edits"].upsert(record_row(edit), pk=("session_id", "format"))
        return edit

    @_locked
    def drop_recap_edits(self, session_id: int, form: RecapFormat | None = None) -> int:
        """Forget the coach's edit in FORM (every form when None): the recap is built again.

        How many edits went."""
        where, params = "session_id = ?", [session_id]
        if form is not None:
            where, params = where + " AND format = ?", [session_id, form]
        with self.db.atomic():
            cursor = self.db.execute(f"DELETE FROM recap_edits WHERE {where}", params)
        return cursor.rowcount
