"""Registry pages: dashboard, watch list, firm page, exports, name search."""

from tests.accounts.matrix import EXPORTERS, PLACED, Row

ROWS = [
    Row("registry:dashboard", PLACED),
    Row("registry:watchlist", PLACED, data=lambda w: {"q": "网贷"}),
    Row("registry:firm", PLACED, args=lambda w: [w.yanji.uscc]),
    Row("registry:export_xlsx", EXPORTERS),
    Row("registry:export_csv", EXPORTERS),
    Row("registry:match", PLACED, data=lambda w: {"q": "鑫融网贷"}),
]
