"""Posting files uploaded in the admin: checked first (a dry run), imported once an editor confirms."""

import io

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from careerhub.core.after_commit import send_after_commit

from .models import ImportJob
from .readers import ImportFileError, read_rows
from .services import postings_import

# An unknown employer's hint on the admin's upload, which has a checkbox where the command has a flag.
CREATE_EMPLOYERS_CHECKBOX = (
    f"upload the file again with “{ImportJob._meta.get_field('create_employers').verbose_name.capitalize()}” "
    "ticked to add it"
)


def import_job_run(*, job_id: int, confirm: bool) -> str:
    """Check an uploaded file (a dry run), or import it once the editor has confirmed; record progress."""
    job = ImportJob.objects.get(pk=job_id)
    expected = ImportJob.Status.RUNNING if confirm else ImportJob.Status.PREVIEWING
    if job.status != expected:  # a redelivered task for a job already finished: nothing to do
        return job.status

    def progress(count: int) -> None:
        ImportJob.objects.filter(pk=job.pk).update(rows_done=F("rows_done") + count)

    ImportJob.objects.filter(pk=job.pk).update(rows_done=0)
    try:
        report = postings_import(
            read_rows(io.BytesIO(bytes(job.content)), job.format),
            source=job.source,
            partial=job.partial,
            dry_run=not confirm,
            create_employers=job.create_employers,
            user=job.created_by,
            progress=progress,
            create_employers_hint=CREATE_EMPLOYERS_CHECKBOX,
        )
    except ImportFileError as exc:
        job.preview = {"file_error": str(exc)}
        job.status, job.finished_at = ImportJob.Status.FAILED, timezone.now()
        job.save(update_fields=["preview", "status", "finished_at"])
        return job.status
    result = report.as_dict() | {"summary": report.summary()}
    if not confirm:
        job.preview = result
        usable = report.accepted and (job.partial or not report.refused)
        job.status = ImportJob.Status.PREVIEWED if usable else ImportJob.Status.FAILED
        if not usable:  # refused at the check: the job ends here
            job.finished_at = timezone.now()
    else:
        job.report = result
        job.status = ImportJob.Status.DONE if report.applied else ImportJob.Status.FAILED
        job.finished_at = timezone.now()
    job.save(update_fields=["preview", "report", "status", "finished_at"])
    return job.status


@transaction.atomic
def import_job_create(
    *, user, file_name: str, content: bytes, fmt: str, source: str, partial: bool, create_employers: bool
) -> ImportJob:
    """Store an uploaded file and queue its check (after commit, so the worker finds the job)."""
    from .tasks import run_import_job

    job = ImportJob(
        file_name=file_name[:255],
        format=fmt,
        content=content,
        source=source,
        partial=partial,
        create_employers=create_employers,
        created_by=user,
    )
    job.full_clean()
    job.save()
    send_after_commit(run_import_job, job_id=job.pk, confirm=False)
    return job


@transaction.atomic
def import_job_confirm(*, job: ImportJob) -> ImportJob:
    """Start the import of a checked file."""
    from .tasks import run_import_job

    updated = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.PREVIEWED).update(
        status=ImportJob.Status.RUNNING
    )
    if not updated:
        raise ValidationError("Only a checked file waiting for confirmation can be imported.")
    send_after_commit(run_import_job, job_id=job.pk, confirm=True)
    job.refresh_from_db()
    return job
