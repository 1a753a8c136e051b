"""Paging of every API list: keyset on `id`, with a capped page size.

Like the watch list (registry/watchlist.py), pages continue from the last id
seen instead of skipping rows with OFFSET, so page 5,000 of a 3-million-firm
registry costs what page 1 does, and no total is counted. `next` and
`previous` are full URLs with an opaque `cursor`.
"""

from __future__ import annotations

from rest_framework.pagination import CursorPagination

PAGE_SIZE = 50
MAX_PAGE_SIZE = 500


class KeysetPagination(CursorPagination):
    """Pages of `page_size` rows (default 50, at most 500) in ascending id order."""

    page_size = PAGE_SIZE
    max_page_size = MAX_PAGE_SIZE
    page_size_query_param = "page_size"
    page_size_query_description = f"每页条数，默认 {PAGE_SIZE}，最多 {MAX_PAGE_SIZE}。"
    cursor_query_description = "翻页游标，取自上一页的 next 或 previous 链接。"
    ordering = "id"
