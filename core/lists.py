"""The one list idiom: filter, sort, paginate and export a scoped queryset.

Every list page is three small pieces in its app (see docs/conventions.md):

- ``filters.py``: ``class XFilterSet(ScopedFilterSet)`` — what the user may filter by;
- ``selectors.py``: ``def x_list(*, user, filters) -> QuerySet`` — the user's scope,
  narrowed by ``filters.filter_queryset(...)``, with whatever the rows need
  (``select_related``/annotations); no ordering decisions beyond a default;
- ``tables.py`` (or beside the view): ``X_TABLE = Table(...)`` — the columns, which
  of them sort and how, what a phone shows, and what goes in the export.

The view is then a few lines::

    @login_required
    def x_list_view(request):
        filters = XFilterSet(request.GET, user=request.user)
        return list_page(request, filters=filters, rows=lambda: x_list(user=request.user, filters=filters),
                         table=X_TABLE, template="app/x_list.html")

``list_page`` validates the filters (an invalid value shows the form error and
*no* rows: a list never silently ignores part of what was asked), applies the
chosen column sort, pages in the database (LIMIT/OFFSET plus one COUNT), and
with ``?format=xlsx`` writes exactly the filtered, sorted rows to a spreadsheet
(scoped like the page; columns may mask what the user may not read).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from .access import record_access
from .filters import ScopedFilterSet
from .models import AccessKind
from .sheets import Sheet, write_workbook
from .xlsx import xlsx_response

PAGE_SIZES = (20, 50, 100, 200)
DEFAULT_PAGE_SIZE = 50
#: An export streams from the database in chunks of this many rows.
EXPORT_CHUNK = 2000

Getter = Callable[[Any, Any], Any]  # (row, user) -> cell value


def _attr_getter(path: str) -> Getter:
    """``"organization.name"`` → a getter following attributes; a callable attribute is called."""
    parts = path.split(".")

    def get(row: Any, user: Any) -> Any:
        value = row
        for part in parts:
            if value is None:
                return None
            value = getattr(value, part)
            if callable(value) and not isinstance(value, type):
                value = value()
        return value

    return get


@dataclass(frozen=True)
class Column:
    """One column: its header, how it sorts, whether a phone shows it, what the export writes."""

    label: str
    key: str = ""  # the ``sort`` value in the URL; "" = not sortable
    order_by: tuple[str, ...] = ()  # database ordering for ascending (default: the key itself)
    export: str | Getter | None = None  # attribute path or (row, user) -> value; None: not exported
    phone: bool = True  # False: hidden below 768 px (the row stays readable on a phone)
    nowrap: bool = False

    @property
    def sortable(self) -> bool:
        return bool(self.key)

    @property
    def ordering(self) -> tuple[str, ...]:
        return self.order_by or (self.key,)

    @property
    def getter(self) -> Getter | None:
        if self.export is None:
            return None
        return self.export if callable(self.export) else _attr_getter(self.export)

    @property
    def css(self) -> str:
        classes = [] if self.phone else ["d-none", "d-md-table-cell"]
        if self.nowrap:
            classes.append("text-nowrap")
        return " ".join(classes)


@dataclass(frozen=True)
class Table:
    """How a list shows its rows: columns, default order, the row template and the export's name."""

    columns: tuple[Column, ...]
    row_template: str  # renders one <tr> for ``row`` (with ``table`` and ``listing`` in context)
    default_order: tuple[str, ...] = ("-pk",)
    export_name: str = ""  # sheet and file name; "" = the list has no export
    empty: str = "没有符合条件的记录"
    export_url_name: str = ""  # a dedicated export view (e.g. the member export the import reads back)

    def column(self, key: str) -> Column | None:
        return next((c for c in self.columns if c.sortable and c.key == key), None)


@dataclass
class SortLink:
    column: Column
    url: str
    direction: str  # "asc", "desc" or "" (not the current sort)


@dataclass
class Listing:
    """What a list template needs: the page of rows, the filters, sort links, sizes, the count."""

    request: HttpRequest
    table: Table
    filters: ScopedFilterSet
    page_obj: Page
    sort: str
    per_page: int
    headers: list[SortLink] = field(default_factory=list)

    @property
    def count(self) -> int:
        return self.page_obj.paginator.count

    @property
    def page_sizes(self) -> tuple[int, ...]:
        return PAGE_SIZES

    def url_with(self, **changes: Any) -> str:
        """This list's query string with ``changes`` applied (None removes a key); page resets."""
        params = {k: v for k, v in self.request.GET.items() if k not in ("page", "format")}
        for key, value in changes.items():
            if value is None or value == "":
                params.pop(key, None)
            else:
                params[key] = str(value)
        return "?" + urlencode(params) if params else "?"

    @property
    def hidden_params(self) -> list[tuple[str, str]]:
        """Query parameters to carry in the page-size and page-jump forms (all but those forms' own)."""
        return [(k, v) for k, v in self.request.GET.items() if k not in ("page", "per_page", "format")]

    @property
    def filter_params(self) -> list[tuple[str, str]]:
        """Parameters the filter form must carry along (sort and page size; not the filters themselves)."""
        return [(k, v) for k, v in self.request.GET.items() if k in ("sort", "per_page")]

    def page_url(self, number: int) -> str:
        params = {k: v for k, v in self.request.GET.items() if k not in ("page", "format")}
        params["page"] = str(number)
        return "?" + urlencode(params)

    @property
    def export_url(self) -> str:
        if not self.table.export_name:
            return ""
        params = {k: v for k, v in self.request.GET.items() if k not in ("page", "per_page", "format")}
        if self.table.export_url_name:
            from django.urls import reverse

            query = urlencode(params)
            return reverse(self.table.export_url_name) + (f"?{query}" if query else "")
        params["format"] = "xlsx"
        return "?" + urlencode(params)


def chosen_page_size(request: HttpRequest) -> int:
    try:
        size = int(request.GET.get("per_page", DEFAULT_PAGE_SIZE))
    except ValueError:
        return DEFAULT_PAGE_SIZE
    return size if size in PAGE_SIZES else DEFAULT_PAGE_SIZE


def chosen_sort(request: HttpRequest, table: Table) -> tuple[str, tuple[str, ...]]:
    """The ``sort`` parameter if it names a sortable column (``-key`` descending), and its ordering.

    An unknown sort falls back to the table's default order: sorting is a
    presentation choice, unlike a filter, and never narrows the rows.
    """
    value = request.GET.get("sort", "")
    key = value.removeprefix("-")
    column = table.column(key)
    if column is None:
        return "", table.default_order
    descending = value.startswith("-")
    ordering = tuple(
        (o.removeprefix("-") if o.startswith("-") else f"-{o}") if descending else o for o in column.ordering
    )
    return value, (*ordering, "pk")


def sort_links(listing: Listing) -> list[SortLink]:
    links = []
    for column in listing.table.columns:
        if not column.sortable:
            links.append(SortLink(column, "", ""))
            continue
        if listing.sort == column.key:
            direction, target = "asc", f"-{column.key}"
        elif listing.sort == f"-{column.key}":
            direction, target = "desc", column.key
        else:
            direction, target = "", column.key
        links.append(SortLink(column, listing.url_with(sort=target), direction))
    return links


def export_rows(
    table: Table, rows: QuerySet, user: Any, prepare: Callable[[Sequence[Any]], None] | None = None
) -> Iterator[list[Any]]:
    """The export's cells, streamed in chunks so a county-wide export stays in bounded memory."""
    getters = [c.getter for c in table.columns if c.getter is not None]
    iterable: Iterable[Any] = rows.iterator(chunk_size=EXPORT_CHUNK) if isinstance(rows, QuerySet) else rows
    for row in iterable:
        if prepare is not None:
            prepare([row])
        yield [getter(row, user) for getter in getters]  # type: ignore[misc]


def export_headers(table: Table) -> list[str]:
    return [c.label for c in table.columns if c.export is not None]


def export_response(
    table: Table,
    rows: QuerySet,
    user: Any,
    prepare: Callable[[Sequence[Any]], None] | None = None,
    *,
    request: HttpRequest,
    filters: ScopedFilterSet | None = None,
) -> HttpResponse:
    """The filtered, sorted rows as an .xlsx named after the list and today's date; the export is recorded.

    The record (``core.access.record_access``) names the list, the filters and
    the number of rows written, so no list view records its export itself.
    """
    written = 0

    def counted() -> Iterator[list[Any]]:
        nonlocal written
        for cells in export_rows(table, rows, user, prepare):
            written += 1
            yield cells

    content = write_workbook(Sheet(table.export_name, export_headers(table), counted()))
    record_access(
        request=request,
        kind=AccessKind.EXPORT,
        what=table.export_name,
        form=filters.form if filters is not None else None,
        rows=written,
    )
    today = timezone.localdate()
    return xlsx_response(content, f"{table.export_name}_{today:%Y%m%d}.xlsx")


def _python_key(path: str) -> Callable[[Any], Any]:
    get = _attr_getter(path.replace("__", "."))

    def key(row: Any) -> tuple[bool, Any]:
        try:
            value = get(row, None)
        except AttributeError:
            value = None
        return (value is None, value if value is not None else 0)  # empty values last

    return key


def order_rows(rows: QuerySet | Sequence[Any], ordering: Sequence[str]) -> QuerySet | list[Any]:
    """A queryset ordered in the database; a computed list (vacancies, warnings …) sorted stably in Python."""
    if isinstance(rows, QuerySet):
        return rows.order_by(*ordering)
    result = list(rows)
    for field_name in reversed([o for o in ordering if o.removeprefix("-") != "pk"]):
        result.sort(key=_python_key(field_name.removeprefix("-")), reverse=field_name.startswith("-"))
    return result


def list_page(
    request: HttpRequest,
    *,
    filters: ScopedFilterSet,
    rows: Callable[[], QuerySet | Sequence[Any]],
    table: Table,
    template: str,
    context: dict[str, Any] | None = None,
    prepare: Callable[[Sequence[Any]], None] | None = None,
) -> HttpResponse:
    """Render (or, with ``?format=xlsx``, export) one list page; see the module docstring.

    ``rows`` is called only when the filters are valid; it returns a queryset (ordered
    and paged in the database) or, for rows computed in Python, a list.  ``prepare`` gets the
    rows of the shown page (at most one page of Python work, e.g. ages on a day).
    """
    queryset = rows() if filters.valid else None
    sort, ordering = chosen_sort(request, table)
    if queryset is not None:
        queryset = order_rows(queryset, ordering)
    if request.GET.get("format") == "xlsx" and table.export_name and not table.export_url_name:
        # An invalid filter exports nothing rather than everything.
        rows_out = queryset if queryset is not None else []
        return export_response(  # type: ignore[arg-type]
            table, rows_out, request.user, prepare, request=request, filters=filters
        )

    per_page = chosen_page_size(request)
    paginator = Paginator(queryset if queryset is not None else [], per_page)
    page = paginator.get_page(request.GET.get("page"))
    if prepare is not None:
        prepare(page.object_list)
    listing = Listing(request, table, filters, page, sort, per_page)
    listing.headers = sort_links(listing)
    return render(
        request, template, {"listing": listing, "filters": filters, "page_obj": page, **(context or {})}
    )


@dataclass
class Section:
    """One section of a long page (a worklist's 逾期, 待审批 …) paged on its own: ``?<name>_page=N``."""

    name: str
    page_obj: Page
    request: HttpRequest

    @property
    def count(self) -> int:
        return self.page_obj.paginator.count

    def page_url(self, number: int) -> str:
        params = dict(self.request.GET.items())
        params[f"{self.name}_page"] = str(number)
        return "?" + urlencode(params) + f"#{self.name}"


def sections(request: HttpRequest, per_page: int = 20, **items: Sequence[Any]) -> dict[str, Section]:
    """Page each named sequence separately, so a county-wide worklist is never one endless page."""
    return {
        name: Section(name, Paginator(rows, per_page).get_page(request.GET.get(f"{name}_page")), request)
        for name, rows in items.items()
    }
