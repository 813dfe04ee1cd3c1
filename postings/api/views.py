"""The taxonomy, employers and postings endpoints.

Reads show published content (editors also see drafts); editors with a token create and change
skills and postings through the same services as the admin. Postings are sent one at a time or in
batches and upserted by ``(source, external_id)`` through ``postings_import``.
"""

from django.db import DatabaseError
from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from careerhub.core.api.errors import RequestRefused, error_response
from careerhub.core.api.views import (
    ContentPagination,
    OrderedCursorPagination,
    PublicViewSetMixin,
    WritableViewSet,
    service_call,
)
from careerhub.core.api.writes import database_refusal
from careerhub.core.write_conflicts import WriteConflict
from curriculum.selectors import skills_with_teaching, teaching_rows
from segments.selectors import segment_list

from ..filters import EmployerFilterSet, PostingFilterSet, SkillCategoryFilterSet, SkillFilterSet
from ..ingest.report import ImportReport
from ..ingest.rows import SOURCE_PATTERN
from ..ingest.services import postings_import
from ..models import API_SOURCE, WRITE_ANY_SOURCE, SkillAlias
from ..selectors import (
    employer_list,
    posting_list,
    posting_rows,
    posting_skill_links,
    skill_alias_texts,
    skill_category_list,
    skill_category_rows,
    skill_list,
    skill_rows,
)
from ..services import posting_update, skill_create, skill_update
from .serializers import (
    EmployerSerializer,
    PostingCreateSerializer,
    PostingImportResultSerializer,
    PostingSerializer,
    PostingWriteSerializer,
    SkillCategorySerializer,
    SkillSerializer,
    SkillWriteSerializer,
)

MAX_BATCH = 1000
TRUE = {"1", "true", "yes", "on"}


class SkillCategoryViewSet(PublicViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """The shelves of the taxonomy, with how many published skills each holds."""

    model_label = ("postings", "skillcategory")
    editor_fields = ()
    serializer_class = SkillCategorySerializer
    filterset_class = SkillCategoryFilterSet
    pagination_class = ContentPagination
    lookup_field = "slug"

    def get_queryset(self):
        if self.action == "list":  # plain rows
            return skill_category_rows()
        return skill_category_list().order_by("display_order", "name")


class SkillViewSet(WritableViewSet):
    """Skills by slug, with category, aliases and where the curriculum teaches them."""

    model_label = ("postings", "skill")
    serializer_class = SkillSerializer
    filterset_class = SkillFilterSet
    pagination_class = ContentPagination
    write_serializer_class = SkillWriteSerializer
    lookup_field = "slug"

    def get_queryset(self):
        if self.action == "list":  # plain rows; their aliases and teaching are read for the page alone
            return skill_rows(include_unpublished=self.sees_drafts())
        # to_attr: a plain list per skill, not a related manager's queryset built (and filtered) per skill.
        aliases = SkillAlias.objects.only("id", "skill_id", "text").order_by("text")
        skills = skill_list(include_unpublished=self.sees_drafts()).prefetch_related(
            Prefetch("aliases", queryset=aliases, to_attr="alias_list")
        )
        return skills_with_teaching(skills)

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        if page is not None and self.action == "list":
            ids = [row["id"] for row in page]
            aliases, teaching = skill_alias_texts(ids), teaching_rows(ids)
            for row in page:
                row["aliases"], row["taught_in"] = aliases.get(row["id"], []), teaching.get(row["id"], [])
        return page

    def perform_service_create(self, data):
        return service_call(skill_create, **data, by=self.request.user)

    def perform_service_update(self, instance, data, *, based_on):
        return service_call(skill_update, skill=instance, data=data, based_on=based_on, by=self.request.user)


class EmployerViewSet(PublicViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Employers with published postings, by slug."""

    model_label = ("postings", "posting")
    editor_fields = ()
    serializer_class = EmployerSerializer
    filterset_class = EmployerFilterSet
    pagination_class = ContentPagination
    lookup_field = "slug"

    def get_queryset(self):
        if self.sees_drafts() or getattr(self, "swagger_fake_view", False):  # the schema reads no rows
            return employer_list(include_unpublished=True)
        # Read first (a tiny query): the employers' query then stops at each employer's first posting.
        return employer_list(segment_ids=segment_list().values_list("id", flat=True))


class PostingCursorPagination(OrderedCursorPagination):
    """Stable pages while postings keep arriving: newest first unless ``ordering`` says otherwise."""

    ordering = ("-posted_on", "-id")


class PostingViewSet(WritableViewSet):
    """Published postings with their skills; editors send new ones (``postings.add_posting``) and change
    them (``postings.change_posting``).

    A posting is identified by ``(source, external_id)``: sending it again creates nothing new
    (the answer names the existing id), and a changed posting is updated.
    """

    model_label = ("postings", "posting")
    editor_fields = ("status", "published_at", "duplicate_of")
    serializer_class = PostingSerializer
    filterset_class = PostingFilterSet
    pagination_class = PostingCursorPagination
    write_serializer_class = PostingWriteSerializer
    batch_actions = frozenset({"bulk"})

    def get_queryset(self):
        if self.action == "list":  # plain rows; the cursor reads its position from them too
            return posting_rows(include_unpublished=self.sees_drafts())
        return posting_list(include_unpublished=self.sees_drafts())

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        if page is not None:
            links = posting_skill_links([row["id"] for row in page], include_unpublished=self.sees_drafts())
            for row in page:
                row["skill_links"] = links.get(row["id"], [])
        return page

    @extend_schema(
        request=PostingCreateSerializer,
        responses={201: PostingImportResultSerializer, 200: PostingImportResultSerializer},
    )
    def create(self, request, *args, **kwargs):
        """Send one posting. 201 when created, 200 when it existed (unchanged or updated), 400 with every error.

        ``source`` is ``api`` unless the sender holds ``postings.write_any_source``; another is refused (403).
        """
        if not isinstance(request.data, dict):
            return error_response(
                400, "Send one posting as a JSON object.", [{"field": "-", "message": "Expected an object."}]
            )
        report = self._import(request, [(1, request.data)], partial=False)
        if report.refused:
            errors = [{"field": e.field, "message": e.message} for e in report.refused]
            return error_response(400, "The posting was refused: see errors.", errors)
        result = report.results[0]
        code = status.HTTP_201_CREATED if result["outcome"] in {"created", "duplicate"} else status.HTTP_200_OK
        return Response(result | {"dry_run": report.dry_run}, status=code)

    def partial_update(self, request, *args, **kwargs):
        """Change some fields of a posting; its skills are found again when its text changes.

        Only postings of the ``api`` source, unless the sender holds ``postings.write_any_source`` (403 naming
        ``source``). ``If-Match`` or ``version`` make the change conditional on the version it is based on.
        """
        return super().partial_update(request, *args, **kwargs)

    def perform_service_update(self, instance, data, *, based_on):
        refuse_foreign_sources(self.request.user, [(None, instance.source)])
        return service_call(posting_update, posting=instance, data=data, based_on=based_on)

    @extend_schema(
        request=PostingCreateSerializer(many=True),
        responses={
            200: inline_serializer(
                "PostingBatchResult",
                {
                    "detail": serializers.CharField(),
                    "rows": serializers.IntegerField(),
                    "created": serializers.IntegerField(),
                    "updated": serializers.IntegerField(),
                    "unchanged": serializers.IntegerField(),
                    "duplicates": serializers.IntegerField(),
                    "refused": serializers.IntegerField(),
                    "applied": serializers.BooleanField(),
                    "dry_run": serializers.BooleanField(),
                    "errors": serializers.ListField(child=serializers.DictField()),
                    "results": PostingImportResultSerializer(many=True),
                },
            )
        },
    )
    @action(detail=False, methods=["post"])
    def bulk(self, request):
        """Send up to 1,000 postings as a JSON list (at most 16 MiB). All or nothing unless ``?partial=true``.

        Each row's ``source`` is ``api`` unless the sender holds ``postings.write_any_source`` (403 naming it).
        """
        rows = request.data
        if not isinstance(rows, list):
            return error_response(
                400, "Send the postings as a JSON list.", [{"field": "-", "message": "Expected a list."}]
            )
        if not rows:
            return error_response(400, "The list is empty.", [{"field": "-", "message": "Send at least one posting."}])
        if len(rows) > MAX_BATCH:
            return error_response(
                400,
                f"At most {MAX_BATCH:,} postings per request (got {len(rows):,}).",
                [{"field": "-", "message": f"Split the batch into requests of {MAX_BATCH:,}."}],
            )
        partial = request.query_params.get("partial", "").lower() in TRUE
        report = self._import(request, list(enumerate(rows, start=1)), partial=partial)
        body = report.as_dict(with_results=True)
        body["errors"] = [error.as_dict() for error in report.refused]
        if report.refused and not partial:
            return Response({"detail": "The batch was refused; nothing was written: see errors."} | body, status=400)
        return Response({"detail": report.summary()} | body, status=status.HTTP_200_OK)

    def _import(self, request, rows, *, partial: bool) -> ImportReport:
        refuse_foreign_sources(request.user, [(number, row.get("source")) for number, row in rows
                                              if isinstance(row, dict)])  # fmt: skip
        try:
            return postings_import(
                rows,
                source=API_SOURCE,
                partial=partial,
                dry_run=request.query_params.get("dry_run", "").lower() in TRUE,
                user=request.user,
                keep_results=True,
                can_update=request.user.has_perm("postings.change_posting"),
            )
        except (WriteConflict, DatabaseError) as error:
            # Lost to other requests writing the same postings after the retries (409), or the database
            # failed (503): nothing of this request was kept.
            raise database_refusal(error) from error


def refuse_foreign_sources(user, sources: list[tuple[int | None, object]]) -> None:
    """403 naming ``source`` when a write names (or changes a posting of) a source other than ``api`` and the
    user may not write other sources. ``sources``: (row number or None, source) pairs."""
    if user.has_perm(f"postings.{WRITE_ANY_SOURCE}"):
        return
    errors = []
    for row, source in sources:
        if source in (None, "", API_SOURCE) or not isinstance(source, str) or not SOURCE_PATTERN.match(source):
            continue  # no source, the API's own, or not a source at all (the row's validation names it: a 400)
        message = (f"Postings of the source {str(source)[:60]!r} cannot be written through the API by this user: "
                   f"leave source out (it is {API_SOURCE!r}) or ask for the write_any_source permission.")  # fmt: skip
        errors.append({"field": "source", "message": message} | ({"row": row} if row is not None else {}))
    if errors:
        raise RequestRefused("The request names a source this user may not write: see errors.", errors,
                             status_code=403)  # fmt: skip
