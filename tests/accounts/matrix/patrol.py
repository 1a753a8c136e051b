"""Patrol pages: sites, rounds, the unlinked queue, snapshots, patrol actions.

Actions are tried on the 延吉 site, which every placed persona sees; start
asks for a site that does not exist, so that nothing is ever crawled.
"""

from tests.accounts.matrix import PATROL_MANAGERS, PLACED, REGION_FREE, Row

MANAGERS = PATROL_MANAGERS
EVIDENCE = PLACED - {"leader"}
# Adding every registered firm's site reaches the whole province: only the
# province-wide managers may.
PROVINCE_MANAGERS = frozenset({"admin", "analyst"})

ROWS = [
    Row("patrol:sites", PLACED),
    Row(
        "patrol:add_sites",
        MANAGERS,
        method="POST",
        data=lambda w: {"urls": "http://new-site.example/", "source": "manual"},
    ),
    Row("patrol:from_registry", PROVINCE_MANAGERS, method="POST"),
    Row("patrol:start_round", MANAGERS, method="POST", data=lambda w: {"site": "0"}),
    Row("patrol:unlinked", REGION_FREE),
    Row("patrol:rounds", PLACED),
    Row("patrol:round", PLACED, args=lambda w: [w.patrol_round.pk]),
    Row("patrol:round_progress", PLACED, args=lambda w: [w.patrol_round.pk]),
    Row("patrol:site", PLACED, args=lambda w: [w.yanji_site.pk]),
    Row(
        "patrol:robots",
        MANAGERS,
        method="POST",
        args=lambda w: [w.yanji_site.pk],
        data=lambda w: {"ignore_robots": "on", "reason": "核查需要"},
    ),
    Row(
        "patrol:link",
        MANAGERS,
        method="POST",
        args=lambda w: [w.yanji_site.pk],
        data=lambda w: {"uscc": w.yanji.uscc},
    ),
    Row("patrol:snapshot", PLACED, args=lambda w: [w.yanji_shot.pk]),
    Row("patrol:snapshot_render", PLACED, args=lambda w: [w.yanji_shot.pk]),
    Row("patrol:snapshot_raw", EVIDENCE, args=lambda w: [w.yanji_shot.pk]),
]
