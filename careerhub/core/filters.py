"""Pieces shared by every app's FilterSets (``<app>/filters.py``), used by the API and the HTML list pages.

The same parameter names everywhere: ``segment``, ``skill``, ``category``, ``level``, ``employer`` (slugs),
``from`` / ``to`` (a period of months, ``YYYY-MM``), ``posted_from`` / ``posted_to`` (dates), ``status``
(editors only), ``q`` (text search) and ``ordering``.

Choices that name other content (a segment's slug, a skill's slug) are drawn from what the request may
see: to the public a draft's slug is as unknown as a slug that does not exist, so a filter can never
reveal that a draft exists.
"""

import datetime
import re
from collections.abc import Callable
from functools import reduce
from operator import or_

import django_filters
from django import forms
from django.apps import apps
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django_filters.constants import EMPTY_VALUES
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from .editorial import Status
from .visibility import can_see_drafts, public_q

MONTH_RE = re.compile(r"(\d{4})-(\d{2})", re.ASCII)
# The months a period may name. The upper bound leaves room for the month after the last (a period's
# end is exclusive in SQL; ``9999-12`` had none and failed with a 500).
FIRST_YEAR, LAST_YEAR = 2000, 2999
MAX_QUERY_LENGTH = 200


class TrueFalseField(forms.NullBooleanField):
    """``true`` or ``false`` (also ``1``/``0``, any case); anything else is an error, not "no filter" as
    django-filter's select of yes/no/unknown would read it."""

    widget = forms.TextInput  # the select widget reads an unknown value as "unknown" before it is checked
    default_error_messages = {"invalid": "Enter true or false."}
    VALUES = {"true": True, "1": True, "false": False, "0": False}

    def to_python(self, value: object) -> bool | None:
        if value in self.empty_values:
            return None
        try:
            return self.VALUES[str(value).strip().lower()]
        except KeyError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


class TrueFalseFilter(django_filters.BooleanFilter):
    """A boolean parameter (``open=true``) refused with a clear error when it is neither true nor false."""

    field_class = TrueFalseField


def visible_to(selector: Callable[..., QuerySet], app_label: str, model_name: str) -> Callable[[HttpRequest], QuerySet]:
    """A django-filter ``queryset`` callable: the selector's rows the request may see."""

    def queryset(request: HttpRequest | None) -> QuerySet:
        return selector(include_unpublished=can_see_drafts(request, app_label, model_name))

    queryset.draft_model = (app_label, model_name)  # for a SlugFilter that joins (``joined=True``)
    return queryset


class MonthField(forms.Field):
    """A calendar month written ``YYYY-MM``, cleaned to the first day of that month."""

    default_error_messages = {
        "invalid": f"Enter a month as YYYY-MM (for example 2026-03), from {FIRST_YEAR}-01 to {LAST_YEAR}-12."
    }

    def to_python(self, value: object) -> datetime.date | None:
        if value in self.empty_values:
            return None
        match = MONTH_RE.fullmatch(value) if isinstance(value, str) else None
        if not match:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        year, month = int(match[1]), int(match[2])
        if not (FIRST_YEAR <= year <= LAST_YEAR and 1 <= month <= 12):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return datetime.date(year, month, 1)


class MonthFilter(django_filters.Filter):
    """Months ``YYYY-MM``; ``lookup_expr`` ``gte`` for the first month of a period, ``lte`` for its last.

    On a date field (``posted_on``) the last month counts whole: ``to=2026-03`` keeps March 31.
    """

    field_class = MonthField

    def __init__(self, *args, whole_months: bool = False, **kwargs):
        self.whole_months = whole_months
        super().__init__(*args, **kwargs)

    def filter(self, qs: QuerySet, value: datetime.date | None) -> QuerySet:
        if value is None:
            return qs
        if self.whole_months and self.lookup_expr == "lte":
            index = value.year * 12 + value.month  # the month after, as a first day
            return self.get_method(qs)(**{f"{self.field_name}__lt": datetime.date(index // 12, index % 12 + 1, 1)})
        return super().filter(qs, value)


class SearchFilter(django_filters.CharFilter):
    """``q``: every word must appear (ignoring case) in one of the FilterSet's ``search_fields``."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", MAX_QUERY_LENGTH)
        kwargs.setdefault("label", "Text search")
        super().__init__(*args, **kwargs)

    def filter(self, qs: QuerySet, value: str) -> QuerySet:
        return words_in(qs, self.parent.search_fields, value)


def words_in(qs: QuerySet, fields: tuple[str, ...], value: str) -> QuerySet:
    """``qs`` narrowed to the rows where each word of ``value`` (the first 10) appears in one of ``fields``."""
    for word in (value.split() if value else [])[:10]:
        qs = qs.filter(reduce(or_, (Q(**{f"{field}__icontains": word}) for field in fields)))
    return qs


# The answer for a slug that names nothing the request may see (a draft's included): the words of a
# ``ModelChoiceField``, which these filters were, so the API's answer did not change.
UNKNOWN_SLUG = forms.ModelChoiceField.default_error_messages["invalid_choice"]
MAX_SLUG_LENGTH = 255  # the longest slug field of the models


@extend_schema_field(OpenApiTypes.STR)
class SlugFilter(django_filters.CharFilter):
    """Another object named by its slug, filtered in the main query: ``<field>__in`` the visible objects with
    that slug (a subquery), never a query of its own to look the slug up first.

    ``queryset`` is a QuerySet or a callable taking the request (usually ``visible_to(...)``). A ``method``
    receives the slug: it matches it in its own condition, with ``matches`` or through a join whose rows
    already follow the visibility rule (a posting's skill links: ``skill__slug``). A slug that names
    nothing visible matches no row: the views tell it from an empty answer only when the page comes back
    empty (``unknown_slugs``), so a filter that finds rows costs no lookup at all.

    With ``joined=True`` (the ``queryset`` a ``visible_to(selector, ...)`` whose selector keeps the public
    rows of ``public_q``, as the segments' and skills' do) the filter is a join instead of a subquery:
    ``segment__slug=...`` and, for the public, ``public_q`` through the same join. It reads the same rows,
    and costs less CPU to build and compile than a subquery.
    """

    field_class = forms.SlugField

    def __init__(self, *args, queryset, joined: bool = False, **kwargs):
        self.queryset = queryset
        self.joined = joined
        kwargs.setdefault("max_length", MAX_SLUG_LENGTH)
        super().__init__(*args, **kwargs)

    def matches(self, value: str) -> QuerySet:
        """The objects the request may see with slug ``value`` (unevaluated: a subquery of the main query)."""
        queryset = self.queryset(self.parent.request) if callable(self.queryset) else self.queryset
        return queryset.filter(slug=value)

    def filter(self, qs: QuerySet, value: str) -> QuerySet:
        if value in EMPTY_VALUES:
            return qs
        if not self.joined:
            return self.get_method(qs)(**{f"{self.field_name}__in": self.matches(value)})
        app_label, model_name = self.queryset.draft_model
        condition = Q(**{f"{self.field_name}__slug": value})
        if not can_see_drafts(self.parent.request, app_label, model_name):
            condition &= public_q(apps.get_model(app_label, model_name), f"{self.field_name}__")
        return self.get_method(qs)(condition)


def unknown_slugs(filterset: django_filters.FilterSet) -> list[str]:
    """The ``SlugFilter`` parameters of a bound FilterSet whose slug names nothing the request may see.

    One small query per slug given: call it only when the answer came back empty (a slug that finds rows
    is known), to answer as for any refused filter, naming it.
    """
    if not filterset.is_bound:
        return []
    filterset.is_valid()  # cleans the form: a value refused already is not looked up
    chosen = filterset.form.cleaned_data
    return [
        name
        for name, declared in filterset.filters.items()
        if isinstance(declared, SlugFilter) and chosen.get(name) and not declared.matches(chosen[name]).exists()
    ]


def refuse_unknown_slugs(filterset: django_filters.FilterSet) -> bool:
    """For the HTML pages, after an empty page: name each unknown slug as a form error and drop its filter
    (as every refused filter is dropped), so that ``filterset.qs`` filters again without it. True if any."""
    names = unknown_slugs(filterset)
    for name in names:
        filterset.form.add_error(name, forms.ValidationError(UNKNOWN_SLUG, code="invalid_choice"))
    if names and hasattr(filterset, "_qs"):
        del filterset._qs  # django-filter keeps the filtered queryset; it is built again from the cleaned data
    return bool(names)


class PublicFilterSet(django_filters.FilterSet):
    """A FilterSet whose ``status`` filter exists only for editors (the public only ever sees published items).

    Subclasses set ``search_fields`` (for ``q``) and ``draft_model`` (``"app_label.model_name"``).
    """

    search_fields: tuple[str, ...] = ()
    draft_model: str = ""

    def __init__(self, data=None, queryset=None, *, request=None, **kwargs):
        super().__init__(data, queryset, request=request, **kwargs)
        if "status" in self.filters and not (
            self.draft_model and can_see_drafts(request, *self.draft_model.split("."))
        ):
            del self.filters["status"]


def status_filter() -> django_filters.ChoiceFilter:
    return django_filters.ChoiceFilter(choices=Status.choices, label="Status (editors only)")


def rename_filter(filterset: type[django_filters.FilterSet], old: str, new: str) -> None:
    """Give a declared filter a parameter name that is a Python keyword (``from``)."""
    filterset.base_filters[new] = filterset.base_filters.pop(old)
    filterset.declared_filters[new] = filterset.declared_filters.pop(old)
