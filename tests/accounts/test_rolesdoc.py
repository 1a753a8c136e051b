"""docs/roles.md shows the roles, scopes and grants of roles.py as they are."""

from pathlib import Path

from finsentry.accounts.roles import ACTIONS, Role
from finsentry.accounts.rolesdoc import BEGIN, END, render

DOC = Path(__file__).resolve().parents[2] / "docs" / "roles.md"


def test_roles_doc_tables_match_the_code() -> None:
    text = DOC.read_text(encoding="utf-8")
    generated = text[text.index(BEGIN) : text.index(END) + len(END)]

    assert generated == render(), (
        "run: python -m finsentry.accounts.rolesdoc docs/roles.md"
    )


def test_leaders_are_granted_nothing_but_reading() -> None:
    granted = {a for a, roles in ACTIONS.items() if Role.LEADER in roles}

    # An API token only carries its holder's grants: for a leader, reading.
    reading = {a for a in granted if a.endswith(".view")} | {"api.token"}
    assert granted and granted <= reading
