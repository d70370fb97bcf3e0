"""Paging through tables too large to count."""

from functools import cached_property

from django.core.paginator import Paginator


class CappedCountPaginator(Paginator):
    """Counts at most `cap` rows (a LIMITed sub-query), never the whole table.

    On the activity-event table a full COUNT(*) takes seconds; nobody pages past the first
    few thousand rows of an admin list anyway. Narrow the list with search or filters to
    reach older rows.
    """

    cap = 10_000

    @cached_property
    def count(self) -> int:
        return self.object_list[: self.cap].count()

    @property
    def capped(self) -> bool:
        return self.count >= self.cap
