"""What every resource of the API shares: visibility, permissions by action, ``?fields=``, pagination,
conditional GET (ETag, 304) and the way writes call services."""

from collections.abc import Callable
from operator import itemgetter
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.paginator import PageNotAnInteger, Paginator
from django.db import connection
from django.db.models import Count, Window
from django.utils.cache import patch_vary_headers
from django.utils.functional import cached_property
from django.views.decorators.http import conditional_page
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination, PageNumberPagination
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response
from rest_framework.utils.serializer_helpers import BindingDict

from careerhub.core.filters import UNKNOWN_SLUG, unknown_slugs
from careerhub.core.services import EditConflict
from careerhub.core.visibility import can_see_drafts

from .cache import public_cache
from .errors import RequestRefused
from .parsers import nul_fields
from .writes import (
    edit_conflict,
    etag,
    if_match_versions,
    service_call,  # noqa: F401 - the apps' views import it from here
)

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
    """Content (segments, tracks, skills, ...): numbered pages, ``?page=2&page_size=100``.

    Rows that sort equal (two tracks of the same level) are ordered by primary key too: PostgreSQL
    returns ties in any order, so without it a page could repeat a row of the page before and skip another.
    """

    django_paginator_class = CountingPaginator
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def paginate_queryset(self, queryset, request, view=None):
        return super().paginate_queryset(stable_order(queryset), request, view)


def stable_order(queryset):
    """The queryset in its own order, then by primary key (unless that already decides, or DISTINCT forbids it)."""
    query = getattr(queryset, "query", None)
    if query is None or query.distinct:
        return queryset
    ordering = list(query.order_by) or (list(queryset.model._meta.ordering) if query.default_ordering else [])
    if any(isinstance(name, str) and name.lstrip("-") in {"pk", "id"} for name in ordering):
        return queryset
    return queryset.order_by(*ordering, "pk")


class OrderedCursorPagination(CursorPagination):
    """Stable pages while rows keep arriving; ``ordering`` of the FilterSet picks the order, ``id`` breaks ties.

    The ``ordering`` parameter names what the FilterSet's ``OrderingFilter`` offers (``skill`` for demand
    rows), which is mapped to the field it sorts by (``skill__name``): the cursor's position is that
    field's value, read through relations where it names one. A cursor is the server's to write:
    one that does not decode, or whose position is not a value of the ordering's field, is refused
    with a 400 naming ``cursor`` before it reaches the database.
    """

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    invalid_cursor_message = "Invalid cursor: follow the next and previous links as they were given."

    def get_ordering(self, request, queryset, view):
        self._model = queryset.model
        requested = [name.strip() for name in request.query_params.get("ordering", "").split(",") if name.strip()]
        if not requested:
            return self.ordering
        fields = _ordering_fields(view)
        requested = [f"{'-' if name.startswith('-') else ''}{fields.get(name.lstrip('-'), name.lstrip('-'))}"
                     for name in requested]  # fmt: skip
        tie = "-id" if requested[0].startswith("-") else "id"
        return (*requested, tie) if requested[-1].lstrip("-") != "id" else tuple(requested)

    def decode_cursor(self, request):
        try:
            cursor = super().decode_cursor(request)
        except NotFound:
            raise ValidationError({self.cursor_query_param: [self.invalid_cursor_message]}) from None
        if cursor is not None and cursor.position is not None and not self._valid_position(cursor.position):
            raise ValidationError({self.cursor_query_param: [self.invalid_cursor_message]})
        return cursor

    def _valid_position(self, position: str) -> bool:
        """Whether ``position`` is a value the ordering's first field can hold (and the database can compare)."""
        field = _model_field(self._model, self.ordering[0].lstrip("-"))
        if field is None or "\x00" in position:
            return False
        try:
            value = field.to_python(position)
        except (DjangoValidationError, TypeError, ValueError):
            return False
        if isinstance(value, int) and not isinstance(value, bool):
            low, high = connection.ops.integer_field_range(field.get_internal_type())
            return (low is None or value >= low) and (high is None or value <= high)
        return True

    def _get_position_from_instance(self, instance, ordering):
        value = instance
        name = ordering[0].lstrip("-")
        if isinstance(instance, dict) and name in instance:
            return str(instance[name])
        for part in name.split("__"):  # a field of a related row (``skill__name``)
            value = value[part] if isinstance(value, dict) else getattr(value, part)
        return str(value)


def _ordering_fields(view) -> dict[str, str]:
    """The FilterSet's ``ordering`` parameter values and the fields they sort by (``{"skill": "skill__name"}``)."""
    filterset = getattr(view, "filterset_class", None)
    ordering = filterset.base_filters.get("ordering") if filterset is not None else None
    return dict(getattr(ordering, "param_map", {}) or {})


def _model_field(model, path: str):
    """The model field at the end of ``path`` (``skill__name``), or None."""
    field = None
    for part in path.split("__"):
        if model is None:
            return None
        try:
            field = model._meta.get_field(part)
        except FieldDoesNotExist:
            return None
        model = field.related_model
    if field is not None and field.is_relation:
        field = field.target_field
    return field


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


VERSION_HELP = (
    "The version this change is based on (the object's version, as read): if the object was saved since, "
    "the change is refused with 409 and nothing is written. Optional: without it only the fields sent are "
    "written, over whatever was saved meanwhile."
)


class StrictSerializer(serializers.Serializer):
    """An input serializer that refuses fields it does not accept (unknown or read-only) and text holding NUL
    characters, naming them."""

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = sorted(str(key) for key in data if key not in self.fields or self.fields[key].read_only)
            errors = dict.fromkeys(unknown, "This field cannot be set here.")
            # Before any field looks it up: PostgreSQL fails on a NUL in a lookup (a slug reference).
            errors |= dict.fromkeys(nul_fields(data), "NUL characters are not allowed.")
            if errors:
                raise ValidationError(errors)
        return super().to_internal_value(data)


def _refuse_nul(params, kwargs: dict) -> None:
    """A NUL character in a parameter or a path segment is refused here, naming it (the database would fail)."""
    errors = {name: ["NUL characters are not allowed."] for name, values in params.lists()
              if "\x00" in name or any("\x00" in value for value in values)}  # fmt: skip
    errors |= {name: ["NUL characters are not allowed."] for name, value in kwargs.items() if "\x00" in str(value)}
    if errors:
        raise ValidationError({name.replace("\x00", "\\u0000")[:60]: messages for name, messages in errors.items()})


def _refuse_oversized(request, limit: int) -> None:
    """413 before the body is read when its Content-Length is past ``limit``."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        raise ValidationError({"-": ["Invalid Content-Length."]}) from None
    if length > limit:
        raise RequestRefused(
            f"The body is {length:,} bytes; at most {limit:,} are accepted here.",
            [{"field": "-", "message": f"Send at most {limit:,} bytes."}],
            status_code=413,
        )


class PublicViewSetMixin:
    """Reads show published content only, except to editors; writes need the model's add/change permission.

    Subclasses set ``model_label = ("app_label", "model_name")``.
    """

    model_label: tuple[str, str]
    editor_fields: tuple[str, ...] = ("status", "published_at")
    supports_fields = True
    batch_actions: frozenset[str] = frozenset()

    @classmethod
    def as_view(cls, *args, **kwargs):
        # ETag from the body and 304 when If-None-Match still matches, on every GET and HEAD.
        return conditional_page(public_cache(super().as_view(*args, **kwargs)))

    def paginate_queryset(self, queryset):
        """The page; an empty one is refused (400 naming the parameter) when a slug filter named nothing the
        request may see, as before the slug filters joined in the main query (careerhub/core/filters.py)."""
        page = super().paginate_queryset(queryset)
        filterset = getattr(self, "filterset", None)
        if page is not None and not page and filterset is not None and (names := unknown_slugs(filterset)):
            raise ValidationError({name: [UNKNOWN_SLUG] for name in names})
        return page

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        _refuse_nul(request.query_params, kwargs)
        if request.method not in SAFE_METHODS:
            _refuse_oversized(request, self.max_body_bytes())

    def max_body_bytes(self) -> int:
        """The largest body this request may send: one object's, or a batch's for ``batch_actions``."""
        if getattr(self, "action", None) in self.batch_actions:
            return settings.CAREERHUB_API_MAX_BATCH_BODY_BYTES
        return settings.CAREERHUB_API_MAX_BODY_BYTES

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

    def get_object(self):
        obj = super().get_object()
        self.object_version = getattr(obj, "version", None)
        return obj

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        # Editors and the public see different bodies for the same URL.
        patch_vary_headers(response, ("Authorization", "Cookie"))
        version = getattr(self, "object_version", None)
        if version is not None and 200 <= response.status_code < 300 and hasattr(response, "add_post_render_callback"):
            # Before conditional_page's own callback: a matching If-None-Match is compared with this ETag.
            response.add_post_render_callback(lambda done: done.__setitem__("ETag", etag(version, done.content)))
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
        if "version" in data:
            raise ValidationError({"version": ["A new object is not based on a version: send version with a change."]})
        instance = self.perform_service_create(data)
        return Response(self._output(instance), status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        """Change the fields sent, and only those.

        ``If-Match`` (an ETag of the object) or ``version`` in the body say which version the change is
        based on: a stale one is answered 412 (``If-Match``) or 409 (``version``), and nothing is written.

        Changing the fields of a published track, module or skill needs the publishing permission as well
        (403 otherwise): an editor's change to live content is a draft revision, made in the admin and
        published after review (docs/decisions/0014-revisions-are-snapshots.md).
        """
        instance = self.get_object()
        wanted = if_match_versions(request.headers.get("If-Match"))
        if wanted is not None and -1 not in wanted and instance.version not in wanted:
            raise edit_conflict(EditConflict(instance, based_on=min(wanted, default=0), current=instance.version),
                                status_code=412, field="If-Match")  # fmt: skip
        data = self._validated(request, partial=True)
        based_on = data.pop("version", None)
        by_header = based_on is None and wanted is not None and -1 not in wanted
        if by_header:
            based_on = instance.version  # checked again under the row's lock: a save in between is a 412 too
        try:
            instance = self.perform_service_update(instance, data, based_on=based_on)
        except RequestRefused as refusal:
            if by_header and refusal.status_code == 409 and "current_version" in refusal.extra:
                refusal.status_code = 412
                refusal.errors = [error | {"field": "If-Match"} for error in refusal.errors]
            raise
        return Response(self._output(instance))

    def perform_service_create(self, data: dict):
        raise NotImplementedError

    def perform_service_update(self, instance, data: dict, *, based_on: int | None):
        raise NotImplementedError

    def _validated(self, request, *, partial: bool) -> dict:
        serializer = self.write_serializer_class(data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def _output(self, instance):
        fresh = self.get_queryset().get(pk=instance.pk)
        self.object_version = getattr(fresh, "version", None)
        return self.get_serializer(fresh).data
