"""Statistics pages and the special reports of each domain.

Every placed persona may read the figures of its own scope; everyone but
the inspector and the leader may download the reports. The P2P domain is the one the P2P
office works in; the 延吉 personas see it counted within their county.
"""

from tests.accounts.matrix import INSPECTOR, LEADER, PLACED, Row


def p2p(world: object) -> dict[str, str]:
    return {"domain": "p2p"}


# roles.ACTIONS["stats.export"]: every role but the inspector and the leader.
EXPORTERS = PLACED - {INSPECTOR, LEADER}

ROWS = [
    Row("stats:overview", PLACED, data=p2p),
    Row("stats:report_docx", EXPORTERS, data=p2p),
    Row("stats:report_xlsx", EXPORTERS, data=p2p),
]
