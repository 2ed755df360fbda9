"""The two links the ledger derives from stored rows: a student to their registered poor household, a payment to its
student. Imports keep them current; a ledger rebuilt as of a past date redoes them."""

from __future__ import annotations

from sqlalchemy import Connection, text


def link_households(conn: Connection, kinds: set[str]) -> None:
    """Point students at their registered poor household wherever the registry lists their ID number: the first
    half of who is registered poor (poverty.py holds the whole rule)."""
    if not kinds & {"registry", "roll", "away"}:
        return
    if conn.execute(text("SELECT 1 FROM registry_people LIMIT 1")).first() is None:
        return
    conn.execute(text(
        "UPDATE students SET household_id = ("
        " SELECT h.id FROM registry_people p JOIN households h ON h.household_code = p.household_code"
        " WHERE p.id_number = students.id_number)"
        " WHERE id_number IN (SELECT id_number FROM registry_people)"
        " OR household_id IS NOT NULL"
    ))


def link_payments(conn: Connection, kinds: set[str]) -> None:
    """Point payments at their student once a roll names them: a roster imported before the roll is a fact too."""
    if not kinds & {"roll", "away"}:
        return
    conn.execute(text(
        "UPDATE payments SET student_id = (SELECT s.id FROM students s WHERE s.id_number = payments.id_number)"
        " WHERE student_id IS NULL AND id_number IN (SELECT id_number FROM students)"
    ))


def relink(conn: Connection) -> None:
    """Redo both links from the stored rows alone: a ledger rebuilt as of a past date (reports --as-of) then links
    exactly as the imports up to that date did."""
    link_households(conn, {"registry"})
    link_payments(conn, {"roll"})
