"""What a batch of postings did (or, refused or dry, would have done), and the lookups it resolves names with."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.db.models.functions import Lower

from segments.models import Segment

from ..models import Employer
from .rows import PostingRow, RowError


class ImportRefused(Exception):
    """Raised inside the transaction to roll back an atomic import that refused some rows."""


@dataclass
class ImportReport:
    """What an import did, or (dry run, refused) would have done."""

    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicates: int = 0
    closed: int = 0  # a job-board sync's postings no longer on the board (``board_ids``)
    reopened: int = 0
    refused: list[RowError] = field(default_factory=list)
    applied: bool = False
    dry_run: bool = False
    partial: bool = False
    results: list[dict[str, Any]] = field(default_factory=list)

    @property
    def accepted(self) -> int:
        return self.created + self.updated + self.unchanged

    def as_dict(self, *, with_results: bool = False) -> dict[str, Any]:
        data = {
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "duplicates": self.duplicates,
            "closed": self.closed,
            "reopened": self.reopened,
            "refused": len(self.refused),
            "applied": self.applied,
            "dry_run": self.dry_run,
            "errors": [error.as_dict() for error in self.refused],
        }
        if with_results:
            data["results"] = self.results
        return data

    def summary(self) -> str:
        refused = self.refused and not self.partial
        if self.dry_run:
            verb = "Would refuse the whole batch" if refused else "Would import"
        else:
            verb = "Imported" if self.applied else "Refused the whole batch; nothing imported"
        counts = (
            f"{self.rows:,} rows: {self.created:,} created ({self.duplicates:,} of them exact duplicates), "
            f"{self.updated:,} updated, {self.unchanged:,} unchanged, {len(self.refused):,} refused"
        )
        if self.closed or self.reopened:
            counts += f"; {self.closed:,} closed, {self.reopened:,} reopened"
        return f"{verb}. {counts}."


class Resolver:
    """Segment and employer lookups by slug or name, case-insensitive, cached for the import."""

    def __init__(self, *, create_employers: bool):
        self.create_employers = create_employers
        self.segments: dict[str, int] = {}
        for pk, slug, name in Segment.objects.values_list("pk", "slug", "name"):
            self.segments[slug.lower()] = pk
            self.segments[name.lower()] = pk
        self.segment_names = sorted(Segment.objects.values_list("slug", flat=True))
        self.employers: dict[str, int] = {}

    def load_employers(self, names: Iterable[str]) -> None:
        wanted = {name.lower() for name in names} - self.employers.keys()
        if not wanted:
            return
        found = (
            Employer.objects.annotate(lower_name=Lower("name"), lower_slug=Lower("slug"))
            .filter(Q(lower_name__in=wanted) | Q(lower_slug__in=wanted))
            .order_by()
            .values_list("pk", "lower_name", "lower_slug")
        )
        for pk, lower_name, lower_slug in found:
            self.employers[lower_name] = pk
            self.employers.setdefault(lower_slug, pk)

    def employer(self, name: str) -> int | None:
        key = name.lower()
        if key not in self.employers and self.create_employers:
            from ..services import employer_get_or_create

            employer, _ = employer_get_or_create(name=name)
            self.employers[key] = employer.pk
        return self.employers.get(key)


@dataclass
class Resolved:
    row: PostingRow
    segment_id: int
    employer_id: int
    content_hash: str
