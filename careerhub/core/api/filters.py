"""The API's filter backend: django-filter's, without the FilterSet's cost when nothing is filtered.

Its own module: DRF imports the filter backends of its settings while it defines its generic views,
so the backend cannot live beside the view classes (``views.py``) that import those views.
"""

from functools import lru_cache

from django_filters import FilterSet
from django_filters.rest_framework import DjangoFilterBackend


class FilterBackend(DjangoFilterBackend):
    """django-filter's backend, which leaves the FilterSet out when the request names none of its filters.

    Building a FilterSet copies every filter and builds a form class and a form for it: most of a
    small list's time when nothing is filtered. Without parameters its filters would change nothing,
    so the queryset is returned as it is, unless the FilterSet filters on its own (it overrides
    ``filter_queryset``, as the demand rows' does for "all segments").
    """

    def get_filterset(self, request, queryset, view):
        """The FilterSet with only the filters the request names: its form is built from those alone.

        A filter the request does not name filters nothing; leaving it out spares copying it (every
        FilterSet deep-copies its filters), building its form field and validating it. A widget that
        reads ``<name>_<suffix>`` parameters keeps its filter.

        The view keeps it (``view.filterset``): a page that comes back empty tells an unknown slug from
        no match with it (``PublicViewSetMixin.paginate_queryset``).
        """
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is None:
            return None
        named = set(request.query_params)
        kept = frozenset(
            name
            for name in filterset_class.base_filters
            if name in named or any(param.startswith(f"{name}_") for param in named)
        )
        filterset = narrowed(filterset_class, kept)(**self.get_filterset_kwargs(request, queryset, view))
        view.filterset = filterset
        return filterset

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if (
            filterset_class is not None
            and filterset_class.filter_queryset is FilterSet.filter_queryset
            and not any(name in request.query_params for name in filterset_class.base_filters)
        ):
            return queryset
        return super().filter_queryset(request, queryset, view)


@lru_cache(maxsize=512)
def narrowed(filterset_class: type[FilterSet], names: frozenset[str]) -> type[FilterSet]:
    """A subclass of ``filterset_class`` whose filters are only ``names`` (one class per combination)."""
    subclass = type(filterset_class.__name__, (filterset_class,), {"__module__": filterset_class.__module__})
    subclass.base_filters = {name: f for name, f in filterset_class.base_filters.items() if name in names}
    return subclass
