"""Permanent redirects: a public address that moved (a slug of live content changed) keeps answering.

A redirect leads from one path on this site to another. The apps' services record one for every
public address a save moves (``redirect_moved``: a track's new slug moves the track, its coverage page
and its modules); editors add, change and delete them in the admin (``redirect_save``,
``redirect_delete``). Every chain is kept one hop long: A → B then B → C leaves A → C and B → C, and
moving back to A (C → A) drops A's own redirect, since A is live again (docs/decisions/0015-redirects.md).

``RedirectMiddleware`` serves them, only for a GET or HEAD that would otherwise answer 404: a normal
page costs no query.
"""

import logging
from collections.abc import Hashable, Mapping

from django.core.exceptions import ValidationError
from django.db import DatabaseError, models, transaction
from django.db.models import F, Q
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect

from .cache import content_changed

logger = logging.getLogger(__name__)

# Addresses a redirect never leads from: the admin and the API answer their own 404s, and the operational
# endpoints (a /metrics hidden by its 404 among them) answer without the database.
NOT_REDIRECTED = ("/admin/", "/api/", "/metrics", "/healthz", "/readyz")
MAX_PATH = 500


class RedirectSource(models.TextChoices):
    SLUG_CHANGE = "slug", "A slug changed"
    EDITOR = "editor", "Added by an editor"


def _path_problem(path: str) -> str | None:
    """Why ``path`` is not a path on this site (None when it is)."""
    if not path.startswith("/") or path.startswith("//"):
        return "Give a path on this site, starting with one “/” (like /tracks/mlops-engineer/)."
    if any(character.isspace() for character in path) or "?" in path or "#" in path:
        return "A path has no spaces, “?” or “#” (the query string of a request is kept as it is)."
    return None


class Redirect(models.Model):
    """A permanent (301) redirect from an address that moved to where its content is now.

    ``old_path`` is unique: one address leads to one place. ``new_path`` is never itself the start of
    another redirect (the services keep chains one hop long).
    """

    old_path = models.CharField(
        "old address", max_length=MAX_PATH, unique=True, help_text="The path that moved, like /tracks/old-slug/."
    )
    new_path = models.CharField(
        "new address", max_length=MAX_PATH, help_text="Where it leads now, like /tracks/new-slug/."
    )
    source = models.CharField(max_length=16, choices=RedirectSource.choices, default=RedirectSource.EDITOR)
    note = models.CharField(max_length=300, blank=True, help_text="Optional: why the address moved.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        app_label = "careerhub"
        ordering = ["old_path"]
        constraints = [
            models.CheckConstraint(condition=~Q(old_path=F("new_path")), name="redirect_leads_elsewhere"),
            models.CheckConstraint(condition=Q(source__in=RedirectSource.values), name="redirect_source_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.old_path} → {self.new_path}"

    def clean(self) -> None:
        errors = {name: problem for name in ("old_path", "new_path") if (problem := _path_problem(getattr(self, name)))}
        if "old_path" not in errors and self.old_path.startswith(NOT_REDIRECTED):
            errors["old_path"] = f"Addresses under {', '.join(NOT_REDIRECTED)} are never redirected."
        if not errors and self.old_path == self.new_path:
            errors["new_path"] = "A redirect must lead to another address: this one leads back to itself."
        if errors:
            raise ValidationError(errors)


def _onward(redirect: Redirect) -> str | None:
    """Where the redirect's new address leads on, when it is itself redirected."""
    rows = Redirect.objects.filter(old_path=redirect.new_path).exclude(pk=redirect.pk)
    return rows.values_list("new_path", flat=True).first()


def redirect_loop_problem(*, redirect: Redirect) -> str | None:
    """Why the redirect would go round in a loop (its new address already leads back to its old one), or None."""
    if _onward(redirect) == redirect.old_path:
        return f"{redirect.new_path} already leads to {redirect.old_path}: this would go round in a loop."
    return None


@transaction.atomic
def redirect_save(*, redirect: Redirect) -> Redirect:
    """Validate and save a redirect, keeping every chain one hop long.

    A new address that is itself redirected is followed to its end; redirects that led to the old address
    lead to the new one instead; a redirect that would now lead back to itself is dropped.
    """
    problem = redirect_loop_problem(redirect=redirect)
    if problem:
        raise ValidationError({"new_path": problem})
    onward = _onward(redirect)
    if onward is not None:
        redirect.new_path = onward
    redirect.full_clean()
    redirect.save()
    Redirect.objects.filter(new_path=redirect.old_path).exclude(pk=redirect.pk).update(new_path=redirect.new_path)
    Redirect.objects.filter(old_path=F("new_path")).delete()
    content_changed()
    return redirect


@transaction.atomic
def redirect_delete(*, redirect: Redirect) -> None:
    """Delete a redirect: its old address answers 404 again (unless content takes it)."""
    redirect.delete()
    content_changed()


@transaction.atomic
def redirect_moved(*, before: Mapping[Hashable, str], after: Mapping[Hashable, str], note: str = "") -> int:
    """Leave a permanent redirect from each public address in ``before`` whose content moved; return how many.

    ``before`` and ``after`` name the public addresses of the same content before and after a save, each
    under a key of the caller's (``"track"``, ``("module", 7)``): an address whose key holds another address
    afterwards moved. Content no longer public (absent from ``after``) leaves no redirect. An address now
    live again stops being redirected.
    """
    moved = 0
    for key, old_path in before.items():
        new_path = after.get(key)
        if new_path is None or new_path == old_path:
            continue
        Redirect.objects.filter(old_path=new_path).delete()  # live again: nothing may lead away from it
        redirect = Redirect.objects.filter(old_path=old_path).first() or Redirect(old_path=old_path)
        redirect.new_path, redirect.source, redirect.note = new_path, RedirectSource.SLUG_CHANGE, note[:300]
        redirect_save(redirect=redirect)
        moved += 1
    return moved


def redirect_target(path: str) -> str | None:
    """Where a redirect from ``path`` leads (None when there is none)."""
    return Redirect.objects.filter(old_path=path).values_list("new_path", flat=True).first()


class RedirectMiddleware:
    """Answer a GET or HEAD that found nothing (404) with the permanent redirect recorded for its path, if any.

    The query string is kept. Only a 404 is looked up, so a page that answers costs no query; a database
    error while looking leaves the 404 as it was.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code != 404 or request.method not in ("GET", "HEAD"):
            return response
        if request.path.startswith(NOT_REDIRECTED) or len(request.path) > MAX_PATH:
            return response
        try:
            target = redirect_target(request.path)
        except DatabaseError:
            logger.warning("redirects: could not look up %s; answering 404", request.path, exc_info=True)
            return response
        if target is None:
            return response
        query = request.META.get("QUERY_STRING", "")
        return HttpResponsePermanentRedirect(f"{target}?{query}" if query else target)
