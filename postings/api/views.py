"""The taxonomy, employers and postings endpoints.

Reads show published content (editors also see drafts); editors with a token create and change
skills and postings through the same services as the admin. Postings are sent one at a time or in
batches and upserted by ``(source, external_id)`` through ``postings_import``.
"""

from django.db import IntegrityError, OperationalError
from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ParseError
from rest_framework.response import Response

from careerhub.core.api.errors import error_response
from careerhub.core.api.views import (
    ContentPagination,
    OrderedCursorPagination,
    PublicViewSetMixin,
    WritableViewSet,
    service_call,
)
from curriculum.selectors import skills_with_teaching, teaching_rows
from segments.selectors import segment_list

from ..filters import EmployerFilterSet, PostingFilterSet, SkillCategoryFilterSet, SkillFilterSet
from ..ingest.report import ImportReport
from ..ingest.services import postings_import
from ..models import SkillAlias
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
MAX_BODY_BYTES = {
    "create": 2 * 1024 * 1024,
    "partial_update": 2 * 1024 * 1024,
    "bulk": 64 * 1024 * 1024,
}
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
        return service_call(skill_create, **data)

    def perform_service_update(self, instance, data):
        return service_call(skill_update, skill=instance, data=data)


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
        """Send one posting. 201 when created, 200 when it existed (unchanged or updated), 400 with every error."""
        if refused := self._refuse_oversized(request):
            return refused
        if not isinstance(request.data, dict):
            return error_response(
                400, "Send one posting as a JSON object.", [{"field": "-", "message": "Expected an object."}]
            )
        report = self._import(request, [(1, request.data)], partial=False)
        if isinstance(report, Response):
            return report
        if report.refused:
            errors = [{"field": e.field, "message": e.message} for e in report.refused]
            return error_response(400, "The posting was refused: see errors.", errors)
        result = report.results[0]
        code = status.HTTP_201_CREATED if result["outcome"] in {"created", "duplicate"} else status.HTTP_200_OK
        return Response(result | {"dry_run": report.dry_run}, status=code)

    def partial_update(self, request, *args, **kwargs):
        """Change some fields of a posting; its skills are found again when its text changes."""
        if refused := self._refuse_oversized(request):
            return refused
        return super().partial_update(request, *args, **kwargs)

    def perform_service_update(self, instance, data):
        return service_call(posting_update, posting=instance, data=data)

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
        """Send up to 1,000 postings as a JSON list. All or nothing unless ``?partial=true``."""
        if refused := self._refuse_oversized(request):
            return refused
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
        if isinstance(report, Response):
            return report
        body = report.as_dict(with_results=True)
        body["errors"] = [error.as_dict() for error in report.refused]
        if report.refused and not partial:
            return Response({"detail": "The batch was refused; nothing was written: see errors."} | body, status=400)
        return Response({"detail": report.summary()} | body, status=status.HTTP_200_OK)

    def _import(self, request, rows, *, partial: bool) -> ImportReport | Response:
        try:
            return postings_import(
                rows,
                source="api",
                partial=partial,
                dry_run=request.query_params.get("dry_run", "").lower() in TRUE,
                user=request.user,
                keep_results=True,
                can_update=request.user.has_perm("postings.change_posting"),
            )
        except (IntegrityError, OperationalError):
            # Another request wrote the same postings at the same moment; nothing of this one was kept.
            return error_response(409, "A concurrent write touched the same postings; nothing was written. Retry.")

    def _refuse_oversized(self, request) -> Response | None:
        limit = MAX_BODY_BYTES[self.action]
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            raise ParseError("Invalid Content-Length.") from None
        if length > limit:
            return error_response(413, f"The body is {length:,} bytes; at most {limit:,} are accepted here.")
        return None
