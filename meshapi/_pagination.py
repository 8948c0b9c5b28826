"""List pages that iterate every item across pages, fetched lazily. No I/O.

Rule: what a list call returns is a page model (``.data`` / ``.files`` and its own fields, as
before) that also knows how it was fetched: iterating it (``for`` with a sync client,
``async for`` with an async one) yields its items, then fetches the next page only when those
run out, and so on to the end. ``has_next_page()``, ``get_next_page()`` (sync) and
``aget_next_page()`` (async) step one page at a time.

The endpoint's pagination kind (:class:`meshapi._endpoint.Pagination`) decides where the items
are and what the next page's query is; the resource base binds each page it returns to the call
that fetched it (:func:`bind_page`), handing a ``fetch(query)`` callable that sends the same call
with another query. So any list endpoint declared with ``pagination=`` gets all of this: its
response model is made a :class:`ListPage` by :func:`paged_model` if it is not one already.

Iterating a page used to yield pydantic's ``(field, value)`` pairs; it now yields items, the way
openai-python's pages do. ``dict(page)`` is therefore not the fields any more: use
``page.model_dump()``.
"""

from __future__ import annotations

from typing import (
    TYPE_CHECKING,
    Any,
    AsyncIterator,
    Callable,
    ClassVar,
    Dict,
    Iterator,
    List,
    Mapping,
    Optional,
    Type,
    TypeVar,
)

from pydantic import BaseModel, PrivateAttr

from ._types._base import ResponseModel

if TYPE_CHECKING:
    from ._endpoint import Pagination

__all__ = ["ListPage", "bind_page", "paged_model"]

P = TypeVar("P", bound="ListPage")
M = TypeVar("M", bound=BaseModel)


class _Binding:
    """How a page was fetched: its pagination kind, its query, and how to fetch another."""

    __slots__ = ("fetch", "is_async", "pagination", "query")

    def __init__(
        self,
        pagination: Pagination,
        query: Mapping[str, Any],
        fetch: Callable[[Dict[str, Any]], Any],
        is_async: bool,
    ) -> None:
        self.pagination = pagination
        self.query = dict(query)
        self.fetch = fetch
        self.is_async = is_async

    def __reduce__(self) -> Any:
        # A pickled (or deep-copied) page keeps its items, not the client that fetched it.
        return (_unbound, ())


def _unbound() -> None:
    return None


class ListPage(ResponseModel):
    """A page of a list endpoint that iterates every item across pages.

    >>> for batch in client.batches.list(limit=20):      # every batch, 20 per request
    ...     print(batch.id)
    >>> async for f in await aclient.rag.list():          # the async twin
    ...     print(f.file_id)
    >>> page = client.batches.list()
    >>> page.data, page.has_next_page()                   # this page only
    >>> page = page.get_next_page()                       # await page.aget_next_page() in async

    A page built by hand (``BatchList.model_validate(...)``, not returned by a list call) iterates
    its own items only and has no next page to fetch.
    """

    # The items field of a page that no call bound (``data`` unless a subclass says otherwise).
    _items_field: ClassVar[str] = "data"
    _binding: Optional[_Binding] = PrivateAttr(default=None)

    # -- this page ---------------------------------------------------------------------------

    def page_items(self) -> List[Any]:
        """The items of this page only."""
        binding = self._binding
        if binding is not None:
            return binding.pagination.items_of(self)
        items = getattr(self, self._items_field, None)
        return list(items) if items is not None else []

    def next_page_query(self) -> Optional[Dict[str, Any]]:
        """The query parameters of the next page, or ``None`` when this is the last one."""
        binding = self._binding
        if binding is None:
            return None
        return binding.pagination.next_query(self, binding.query)

    def has_next_page(self) -> bool:
        """Whether there is a page after this one."""
        return self.next_page_query() is not None

    # -- the next page -----------------------------------------------------------------------

    def _next_call(self, want_async: bool) -> Any:
        binding = self._binding
        if binding is None:
            raise RuntimeError(
                f"this {type(self).__name__} was not returned by a list call, so it cannot "
                "fetch the next page"
            )
        if binding.is_async != want_async:
            raise TypeError(
                "this page came from an async client: use `await page.aget_next_page()` and "
                "`async for`"
                if binding.is_async
                else "this page came from a sync client: use `page.get_next_page()` and `for`"
            )
        query = binding.pagination.next_query(self, binding.query)
        if query is None:
            raise RuntimeError("there is no next page (check has_next_page() first)")
        return binding.fetch(query)

    def get_next_page(self: P) -> P:
        """Fetch the page after this one (sync clients). ``RuntimeError`` at the last page."""
        page: P = self._next_call(want_async=False)
        return page

    async def aget_next_page(self: P) -> P:
        """Fetch the page after this one (async clients). ``RuntimeError`` at the last page."""
        page: P = await self._next_call(want_async=True)
        return page

    # -- every item --------------------------------------------------------------------------

    def iter_pages(self: P) -> Iterator[P]:
        """This page and every page after it, each fetched when the previous one is done."""
        page = self
        while True:
            yield page
            if not page.has_next_page():
                return
            page = page.get_next_page()

    async def aiter_pages(self: P) -> AsyncIterator[P]:
        """The async twin of :meth:`iter_pages`."""
        page = self
        while True:
            yield page
            if not page.has_next_page():
                return
            page = await page.aget_next_page()

    def __iter__(self) -> Iterator[Any]:  # type: ignore[override]
        """Every item, this page's first, then the next pages' (fetched lazily)."""
        binding = self._binding
        if binding is not None and binding.is_async:
            raise TypeError("this page came from an async client: use `async for`")
        for page in self.iter_pages():
            yield from page.page_items()

    async def __aiter__(self) -> AsyncIterator[Any]:
        """Every item, this page's first, then the next pages' (fetched lazily)."""
        binding = self._binding
        if binding is not None and not binding.is_async:
            raise TypeError("this page came from a sync client: use `for`")
        async for page in self.aiter_pages():
            for item in page.page_items():
                yield item


_PAGED: Dict[type, type] = {}


def paged_model(model: Type[M]) -> Type[M]:
    """``model`` as a :class:`ListPage`: itself if it is one, else a subclass of both with the
    same name (made once per model), so that every paginated endpoint's pages iterate."""
    if issubclass(model, ListPage):
        return model
    paged = _PAGED.get(model)
    if paged is None:
        paged = _PAGED[model] = type(
            model.__name__,
            (ListPage, model),
            {"__module__": model.__module__, "__qualname__": model.__qualname__},
        )
    return paged


def bind_page(
    page: Any,
    pagination: Pagination,
    query: Optional[Mapping[str, Any]],
    fetch: Callable[[Dict[str, Any]], Any],
    *,
    is_async: bool,
) -> None:
    """Tell a page how it was fetched. ``fetch(query)`` sends the same call with ``query``
    (returning the page, or an awaitable of it when ``is_async``). Non-page results are left
    alone."""
    if isinstance(page, ListPage):
        page._binding = _Binding(pagination, query or {}, fetch, is_async)
