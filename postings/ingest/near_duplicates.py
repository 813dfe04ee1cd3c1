"""Near-identical postings of an employer, flagged for an editor to merge or dismiss."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction

from careerhub.core import outbox

from ..models import Posting
from .duplicates import near_duplicate_pairs
from .models import NearDuplicate, NearDuplicateScan

NEAR_DUPLICATE_HISTORY = 5000  # earlier postings of the employer new ones are compared with
SCANS_PER_BATCH = 20  # employers scanned per transaction: each compares at most NEAR_DUPLICATE_HISTORY texts


def near_duplicate_scans_mark(*, employer_ids: Iterable[int], from_id: int) -> None:
    """Record, inside an import's transaction, that these employers' postings from ``from_id`` need a scan."""
    NearDuplicateScan.objects.bulk_create(
        [NearDuplicateScan(employer_id=employer_id, from_id=from_id) for employer_id in sorted(set(employer_ids))]
    )


def near_duplicate_scans_drain() -> int:
    """Scan every employer waiting in ``NearDuplicateScan`` (the shared outbox's drain); return the pairs flagged.

    Run after each import's commit and by the beat sweep: marks a lost task left behind are found here.
    Several marks of one employer are one scan, from the earliest posting they name.
    """
    found = 0

    def scan(marks: list[tuple[int, int, int]]) -> int:
        nonlocal found
        earliest: dict[int, int] = {}
        for _, employer_id, from_id in marks:
            earliest[employer_id] = min(from_id, earliest.get(employer_id, from_id))
        for employer_id, from_id in sorted(earliest.items()):
            found += near_duplicates_find(employer_ids=[employer_id], from_id=from_id)
        return len(earliest)

    outbox.drain(NearDuplicateScan, ("id", "employer_id", "from_id"), scan, batch_size=SCANS_PER_BATCH)
    return found


def near_duplicates_find(*, employer_ids: Iterable[int], from_id: int) -> int:
    """Flag near-identical postings of these employers whose later posting has an id >= ``from_id``.

    New postings are compared with each other and with the employer's ``NEAR_DUPLICATE_HISTORY``
    postings before them (reposts follow their ad closely), so the work per import stays bounded
    however many postings an employer has.
    """
    found = 0
    for employer_id in sorted(set(employer_ids)):
        # Only postings not already linked as exact duplicates; texts are read one employer at a time.
        postings = Posting.objects.filter(employer_id=employer_id, duplicate_of__isnull=True)
        history = postings.filter(id__lt=from_id).order_by("-id").values_list("id", flat=True)
        oldest = history[NEAR_DUPLICATE_HISTORY - 1 : NEAR_DUPLICATE_HISTORY].first() or 0
        texts = (
            postings.filter(id__gte=oldest)
            .order_by("id")
            .values_list("id", "description")
            .iterator(chunk_size=2000)
        )
        pairs = near_duplicate_pairs(texts, new_from_id=from_id)
        NearDuplicate.objects.bulk_create(
            [
                NearDuplicate(posting_id=later, similar_to_id=earlier, similarity=score)
                for later, earlier, score in pairs
            ],
            ignore_conflicts=True,  # found again by a later run: already flagged (or decided)
        )
        found += len(pairs)
    return found


@transaction.atomic
def near_duplicate_merge(*, near_duplicate: NearDuplicate) -> Posting:
    """Keep the earlier posting; the later one becomes its duplicate (no longer counted), its history kept."""
    from ..services import posting_link_duplicate

    original = near_duplicate.similar_to
    while original.duplicate_of_id is not None:  # the earlier posting may itself have been merged since
        original = original.duplicate_of
    if original.pk == near_duplicate.posting_id:
        raise ValidationError("These postings are already merged.")
    posting_link_duplicate(posting=near_duplicate.posting, original=original)
    near_duplicate.status = NearDuplicate.Status.MERGED
    near_duplicate.save(update_fields=["status"])
    return original


@transaction.atomic
def near_duplicate_dismiss(*, near_duplicate: NearDuplicate) -> None:
    """An editor says the two postings are different ads."""
    near_duplicate.status = NearDuplicate.Status.DISMISSED
    near_duplicate.save(update_fields=["status"])
