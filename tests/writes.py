"""Postings for tests, written the way production writes them: through the one batch service."""

import datetime

from careerhub.core.editorial import Status
from postings.ingest.services import postings_import
from postings.models import Posting
from postings.services import posting_set_skills


def create_posting(
    *,
    employer,
    segment,
    title: str,
    description: str,
    posted_on: datetime.date,
    external_id: str,
    source: str = "manual",
    location: str = "",
    url: str = "",
    status: str = Status.PUBLISHED,
    skills=(),
    extract: bool = True,
) -> Posting:
    """One posting through ``postings_import`` (a batch of one), asking for ``skills`` as well as those found
    in its text (only ``skills`` with ``extract=False``)."""
    row = {
        "external_id": external_id,
        "title": title,
        "employer": employer.slug,
        "segment": segment.slug,
        "posted_on": posted_on.isoformat(),
        "description": description,
        "location": location,
        "url": url,
        "source": source,
    }
    report = postings_import([(1, row)], source=source, status=status, keep_results=True)
    assert report.applied, report.as_dict()
    posting = Posting.objects.get(pk=report.results[0]["id"])
    skills = list(skills)
    if skills or not extract:
        found = list(posting.skills.all()) if extract else []
        posting_set_skills(posting=posting, skills={*found, *skills})
    return posting
