"""What every resource of the API shares: visibility, permissions by action, ``?fields=``, pagination,
conditional GET (ETag, 304) and the way writes call services."""

from collections.abc import Callable
from operator import itemgetter
from typing import Any, TypeVar

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.paginator import PageNotAnInteger, Paginator
from django.db import IntegrityError
from django.db.models import Count, Window
from django.utils.cache import patch_vary_headers
from django.utils.functional import cached_property
from django.views.decorators.http import conditional_page
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.pagination import CursorPagination, PageNumberPagination
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response
from rest_framework.utils.serializer_helpers import BindingDict

from careerhub.core.visibility import can_see_drafts

from .cache import public_cache

T = TypeVar("T")

WRITE_ACTIONS = {"create": "add", "update": "change", "partial_update": "change", "bulk": "add"}
MAX_FIELDS_PARAM = 1000


PAGE_TOTAL = "page_total_rows"


class CountingPaginator(Paginator):
    """A paginator that counts the rows in the page's own query (``COUNT(*) OVER ()``): one query, not two.

    The separate ``COUNT`` of Django's paginator cost a round trip and a query plan on every page of
    the API. A page past the end has no row to carry the total, so it falls back to Django's way
    (which counts, then refuses the page), as does a ``DISTINCT`` query, whose total a window over
    the rows before ``DISTINCT`` would overstate.
    """

    def page(self, number):
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger("That page number is not an integer") from None
        query = getattr(self.object_list, "query", None)
        if number < 1 or self.orphans or query is None or query.distinct:
            return super().page(number)
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list.annotate(**{PAGE_TOTAL: Window(Count("*"))})[bottom : bottom + self.per_page])
        if rows and isinstance(rows[0], dict):  # a ``values()`` feed: the total leaves the rows
            self.__dict__["count"] = rows[0][PAGE_TOTAL]
            for row in rows:
                del row[PAGE_TOTAL]
        elif rows:
            self.__dict__["count"] = getattr(rows[0], PAGE_TOTAL)  # Paginator.count is a cached property
        elif number == 1 and self.allow_empty_first_page:
            self.__dict__["count"] = 0
        else:
            return super().page(number)  # counts, and raises EmptyPage
        return self._get_page(rows, number, self)


class ContentPagination(PageNumberPagination):
    """Content (segments, tracks, skills, ...): numbered pages, ``?page=2&page_size=100``."""

    django_paginator_class = CountingPaginator
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class OrderedCursorPagination(CursorPagination):
    """Stable pages while rows keep arriving; ``ordering`` of the FilterSet picks the order, ``id`` breaks ties."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_ordering(self, request, queryset, view):
        requested = [name.strip() for name in request.query_params.get("ordering", "").split(",") if name.strip()]
        if not requested:
            return self.ordering
        tie = "-id" if requested[0].startswith("-") else "id"
        return (*requested, tie) if requested[-1].lstrip("-") != "id" else tuple(requested)


class Conflict(APIException):
    status_code = 409
    default_detail = "A concurrent write touched the same rows; nothing was written. Retry."


def service_call(function: Callable[..., T], **kwargs: Any) -> T:
    """Call a write service, turning its refusals into the API's 400 (or 409) answers, field by field."""
    try:
        return function(**kwargs)
    except DjangoValidationError as error:
        raise ValidationError(error.message_dict if hasattr(error, "error_dict") else {"-": error.messages}) from None
    except ValueError as error:
        raise ValidationError({"-": [str(error)]}) from None
    except IntegrityError:
        raise Conflict() from None


class FieldsOnceMixin:
    """An output serializer whose fields are built once per class, not once per request.

    A ModelSerializer builds its fields from the model's metadata every time it is instantiated:
    that cost more than writing a page of segments. Output fields keep no per-request state (their
    names and sources are set when first bound), so later instances share them and only point
    them at themselves. The gunicorn workers are sync (gunicorn.conf.py): one request per process
    at a time. Views may still drop fields of their own instance (editors' fields, ``?fields=``).
    """

    @cached_property
    def fields(self):
        built = type(self).__dict__.get("_fields_built_once")
        if built is None:
            fields = super().fields
            type(self)._fields_built_once = dict(fields.fields)
            return fields
        fields = BindingDict(self)
        for name, field in built.items():
            field.parent = self  # bound once already: binding again would refuse the source it set then
            fields.fields[name] = field
        return fields


_datetime = serializers.DateTimeField()


def when(value) -> str | None:
    """A date and time as DRF's ``DateTimeField`` writes it (None stays None)."""
    return None if value is None else _datetime.to_representation(value)


class RowReadersMixin:
    """An output serializer whose rows are built by ``readers`` (one function per field) instead of DRF's
    field-by-field path: a page of 50 rows with nested lists is thousands of fields. Each reader gives
    what the declared field would (tests compare both); the fields a view keeps still decide which
    are written. ``readers = None`` (a subclass) goes back to DRF's path.

    ``row_readers`` write the same from a plain row (a dict of a ``values()`` feed, with its nested
    lists added by the view) instead of a model instance: lists read that way build no model instances.
    """

    readers: dict[str, Callable[[Any], Any]] | None = None
    row_readers: dict[str, Callable[[dict], Any]] | None = None

    def to_representation(self, instance) -> dict:
        if type(instance) is dict and self.row_readers is not None:
            readers = self.row_readers
            return {name: readers[name](instance) for name in self.fields}
        readers = self.readers
        if readers is None:
            return super().to_representation(instance)
        return {name: readers[name](instance) for name in self.fields}


def plain_row_readers(names, *, dates=()) -> dict[str, Callable[[dict], Any]]:
    """``row_readers`` for fields that write a row's value as it is (text, numbers, JSON), ``dates`` as DRF does."""
    readers: dict[str, Callable[[dict], Any]] = {}
    for name in names:
        readers[name] = (lambda key: lambda row: when(row[key]))(name) if name in dates else itemgetter(name)
    return readers


class StrictSerializer(serializers.Serializer):
    """An input serializer that refuses fields it does not accept (unknown or read-only), naming them."""

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = sorted(str(key) for key in data if key not in self.fields or self.fields[key].read_only)
            if unknown:
                raise ValidationError(dict.fromkeys(unknown, "This field cannot be set here."))
        return super().to_internal_value(data)


class PublicViewSetMixin:
    """Reads show published content only, except to editors; writes need the model's add/change permission.

    Subclasses set ``model_label = ("app_label", "model_name")``.
    """

    model_label: tuple[str, str]
    editor_fields: tuple[str, ...] = ("status", "published_at")
    supports_fields = True

    @classmethod
    def as_view(cls, *args, **kwargs):
        # ETag from the body and 304 when If-None-Match still matches, on every GET and HEAD.
        return conditional_page(public_cache(super().as_view(*args, **kwargs)))

    @property
    def required_permission(self) -> str | None:
        verb = WRITE_ACTIONS.get(getattr(self, "action", None) or "")
        return f"{self.model_label[0]}.{verb}_{self.model_label[1]}" if verb else None

    def sees_drafts(self) -> bool:
        if self.request.method not in SAFE_METHODS:
            return True  # a write reaches here only with the model permission (ReadOrModelPermission)
        return can_see_drafts(self.request, *self.model_label)

    def get_serializer(self, *args, **kwargs):
        serializer = super().get_serializer(*args, **kwargs)
        target = serializer.child if isinstance(serializer, serializers.ListSerializer) else serializer
        if not self.sees_drafts():
            for name in self.editor_fields:
                target.fields.pop(name, None)
        self._trim_fields(target)
        return serializer

    def _trim_fields(self, serializer) -> None:
        raw = self.request.query_params.get("fields", "")
        if not raw:
            return
        wanted = [name.strip() for name in raw[:MAX_FIELDS_PARAM].split(",") if name.strip()]
        available = list(serializer.fields)
        unknown = [name for name in wanted if name not in available]
        if unknown or not wanted:
            raise ValidationError(
                {"fields": [f"Unknown field(s): {', '.join(unknown)[:200]}. Available: {', '.join(available)}."]}
            )
        for name in available:
            if name not in wanted:
                serializer.fields.pop(name)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        # Editors and the public see different bodies for the same URL.
        patch_vary_headers(response, ("Authorization", "Cookie"))
        return response


class WritableViewSet(
    PublicViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """List, retrieve, create (POST) and change (PATCH); writes validate with ``write_serializer_class``."""

    http_method_names = ["get", "post", "patch", "head", "options"]
    write_serializer_class: type

    def create(self, request, *args, **kwargs):
        data = self._validated(request, partial=False)
        instance = self.perform_service_create(data)
        return Response(self._output(instance), status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        instance = self.get_object()
        data = self._validated(request, partial=True)
        instance = self.perform_service_update(instance, data)
        return Response(self._output(instance))

    def perform_service_create(self, data: dict):
        raise NotImplementedError

    def perform_service_update(self, instance, data: dict):
        raise NotImplementedError

    def _validated(self, request, *, partial: bool) -> dict:
        serializer = self.write_serializer_class(data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def _output(self, instance):
        fresh = self.get_queryset().get(pk=instance.pk)
        return self.get_serializer(fresh).data
