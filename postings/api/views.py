"""The postings endpoints: read published postings; send one or a batch (upserted by source and external id)."""

from django.db import IntegrityError, OperationalError
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ParseError
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response

from careerhub.api.errors import error_response

from ..ingest.services import ImportReport, postings_import
from ..selectors import posting_list
from .serializers import PostingSerializer

MAX_BATCH = 1000
MAX_BODY_BYTES = {"create": 2 * 1024 * 1024, "bulk": 64 * 1024 * 1024}
TRUE = {"1", "true", "yes", "on"}


class PostingCursorPagination(CursorPagination):
    """Stable pages while postings keep arriving."""

    page_size = 50
    ordering = ("-posted_on", "-id")


class PostingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Published postings with their skills; editors with ``postings.add_posting`` send new ones.

    A posting is identified by ``(source, external_id)``: sending it again creates nothing new
    (the answer names the existing id), and a changed posting is updated.
    """

    serializer_class = PostingSerializer
    pagination_class = PostingCursorPagination
    required_permission = "postings.add_posting"

    def get_queryset(self):
        return posting_list()

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
