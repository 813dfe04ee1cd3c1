"""The editors' home: the admin index shows panels of what needs an editor's attention, above the app list.

``PANELS`` lists them in order. A panel is a title, what it says when empty, and a *source*: a function of
the user that returns ``Item``s, model instances or a queryset (any of them; ``show`` turns model
instances into rows linking to their admin page, and cuts every panel to ``LIMIT`` rows with a count of
the rest). Changing where a panel's rows come from is a change of its ``source`` alone.

The sources read the curated content (segments, tracks, modules) the user may view: drafts whose latest
saved version is the user's (django-simple-history records who saved), recently published content,
published content nobody has saved for ``CAREERHUB_REVIEW_AFTER_DAYS`` days, and modules whose skills'
demand drifted (``curriculum.demand_drift``). Every source runs a fixed number of queries, however many
rows it finds.
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from django.conf import settings
from django.contrib.admin import AdminSite
from django.db.models import Count, Model, QuerySet, Window
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from careerhub.core.revisions.models import Revision
from careerhub.core.revisions.selectors import revisions_drafts_of, revisions_scheduled, revisions_waiting_review
from curriculum.demand_drift import ModuleDrift, module_demand_drift
from curriculum.models import Module, Track
from segments.models import Segment

LIMIT = 10  # rows a panel shows; the rest are counted ("and 12 more")
CONTENT: tuple[type[Model], ...] = (Segment, Track, Module)  # what the home reports on


@dataclass(frozen=True)
class Detail:
    """A line under a row: a figure or a note, with links to its evidence."""

    text: str
    links: tuple[tuple[str, str], ...] = ()  # (label, url)


@dataclass(frozen=True)
class Item:
    """One row of a panel: what it is, where an editor acts on it, and when."""

    title: str
    url: str | None  # its admin page
    kind: str = ""
    when: datetime.datetime | None = None
    when_label: str = ""  # "changed", "published", ...
    details: tuple[Detail, ...] = ()
    links: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Listing:
    """What a source returns when it cuts its rows itself: the rows to show and how many more there are."""

    items: list[Item]
    more: int = 0


Source = Callable[[Any], Listing | Iterable[Any]]


@dataclass(frozen=True)
class Panel:
    """One panel of the home: ``key`` names it in the page (``id="panel-<key>"``), ``source`` fills it."""

    key: str
    title: str
    empty: str
    source: Source
    all_url_name: str | None = None  # a screen listing every row, linked below the panel ("All scheduled")


@dataclass(frozen=True)
class ShownPanel:
    """A panel as the page shows it: at most ``LIMIT`` rows and how many more there are."""

    key: str
    title: str
    empty: str
    items: list[Item]
    more: int
    all_url: str | None = None


# --- Sources ---




def my_drafts(user: Any) -> Listing:
    """The user's drafts, the most recent first: unpublished content whose latest saved version is theirs,
    and their revisions of live content not yet published (saved, submitted or sent back)."""
    content = [
        _rows(model.objects.drafts().last_changed_by(user.pk), "-updated_at")
        for model in _viewable(user)
    ]
    revisions = _rows(revisions_drafts_of(user))
    return _merged([*content, revisions], key=_last_saved, newest_first=True, item=_draft_item)


def waiting_review(user: Any) -> QuerySet:
    """Revisions submitted for review, for a user who may publish them."""
    return revisions_waiting_review(user)


def scheduled(user: Any) -> QuerySet:
    """Revisions to be published or unpublished at a set time, the soonest first."""
    return revisions_scheduled()


def recently_published(user: Any) -> Listing:
    """Content first published in the last ``CAREERHUB_RECENTLY_PUBLISHED_DAYS`` days, the newest first."""
    since = timezone.now() - datetime.timedelta(days=settings.CAREERHUB_RECENTLY_PUBLISHED_DAYS)
    found = [_rows(model.objects.published_since(since), "-published_at") for model in _viewable(user)]
    return _merged(found, key=lambda obj: obj.published_at, newest_first=True, item=_published_item)


def reminders(user: Any) -> Listing:
    """Modules whose skills' demand drifted (the largest drift first), then content due for a review (the
    longest unchanged first): up to ``LIMIT`` of each."""
    drift = []
    if user.has_perm("curriculum.view_module"):
        drift = module_demand_drift(min_change=Fraction(str(settings.CAREERHUB_DEMAND_DRIFT_SHARE)))
    may_see_coverage = user.has_perm("curriculum.view_trackcoverage")
    due = review_due(user)
    return Listing(
        items=[_drift_item(module, coverage=may_see_coverage) for module in drift[:LIMIT]] + due.items,
        more=max(len(drift) - LIMIT, 0) + due.more,
    )


def review_due(user: Any) -> Listing:
    """Published content nobody has saved for ``CAREERHUB_REVIEW_AFTER_DAYS`` days, the longest unchanged first."""
    days = settings.CAREERHUB_REVIEW_AFTER_DAYS
    before = timezone.now() - datetime.timedelta(days=days)
    found = [_rows(model.objects.unchanged_since(before), "updated_at") for model in _viewable(user)]
    return _merged(found, key=lambda obj: obj.updated_at, newest_first=False,
                   item=lambda obj: _content_item(obj, obj.updated_at, f"not reviewed for over {days} days: changed",
                                                  kind=f"Review due · {_kind(obj)}"))


PANELS: tuple[Panel, ...] = (
    Panel("drafts", "My drafts", "You have no drafts.", source=my_drafts),
    Panel("review", "Waiting for my review", "Nothing is waiting for your review.", source=waiting_review),
    Panel("scheduled", "Scheduled", "Nothing is scheduled to be published or unpublished.", source=scheduled,
          all_url_name="admin:careerhub_revision_scheduled"),
    Panel("published", "Recently published", "Nothing was published recently.", source=recently_published),
    Panel("reminders", "Reminders", "No reminders: no content is due for a review and no demand drifted.",
          source=reminders),
)


def home_panels(user: Any, panels: Iterable[Panel] = PANELS) -> list[ShownPanel]:
    return [show(panel, user) for panel in panels]


def show(panel: Panel, user: Any) -> ShownPanel:
    """Run a panel's source for ``user`` and cut its rows to ``LIMIT``."""
    found = panel.source(user)
    if isinstance(found, Listing):
        items, more = found.items, found.more
    elif isinstance(found, QuerySet):  # in its own order; one query, however many rows match
        rows, total = _rows(found)
        items, more = [as_item(row) for row in rows], total - len(rows)
    else:
        rows = list(found)
        items, more = [as_item(row) for row in rows[:LIMIT]], max(len(rows) - LIMIT, 0)
    all_url = reverse(panel.all_url_name) if panel.all_url_name else None
    return ShownPanel(key=panel.key, title=panel.title, empty=panel.empty, items=items, more=more, all_url=all_url)


# The date a row is shown with: the first of these attributes it has a value for.
DATES = (
    ("next_at", "next change"),
    ("publish_at", "to be published"),
    ("unpublish_at", "to be unpublished"),
    ("submitted_at", "submitted"),
    ("updated_at", "changed"),
    ("created_at", "saved"),
)


def as_item(row: Any) -> Item:
    """A row of any source as a panel row: an ``Item`` as it is; a model instance by its name, linked by
    ``row_url``, of the kind of the object it is about, dated by the first of ``DATES`` it has."""
    if isinstance(row, Item):
        return row
    when, label = next(((getattr(row, name), label) for name, label in DATES if getattr(row, name, None)),
                       (None, ""))
    content_type = getattr(row, "content_type", None)
    kind = str(content_type.name).capitalize() if content_type is not None else _kind(row)
    return Item(title=str(row), url=row_url(row), kind=kind, when=when, when_label=label)


def row_url(row: Model) -> str | None:
    """Where a row links to. A row about another object (``content_type`` and ``object_id``, like a revision
    or a log entry) links to that object's revisions page where its admin has one, else to its change page;
    any other model instance to its own change page."""
    content_type = getattr(row, "content_type", None)
    object_id = getattr(row, "object_id", None)
    if content_type is not None and object_id is not None:
        for view in ("revisions", "change"):
            try:
                return reverse(f"admin:{content_type.app_label}_{content_type.model}_{view}", args=[object_id])
            except NoReverseMatch:
                continue
    return admin_url(row)


def admin_url(obj: Model) -> str | None:
    """The admin change page of ``obj``, or None when its model has none."""
    try:
        return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])
    except NoReverseMatch:
        return None


# --- Helpers ---


def _viewable(user: Any) -> list[type[Model]]:
    return [model for model in CONTENT if user.has_perm(f"{model._meta.app_label}.view_{model._meta.model_name}")]


def _rows(queryset: QuerySet, order: str | None = None) -> tuple[list[Model], int]:
    """The first ``LIMIT`` rows (by ``order``, else the queryset's own) and how many rows match, in one query:
    a window count over the matching rows rides along on each row, so a panel costs the same with 9 rows
    as with 11."""
    if queryset.model is Module:
        queryset = queryset.select_related("track")  # a module is named and linked with its track
    if order:
        queryset = queryset.order_by(order, "pk")
    rows = list(queryset.annotate(matching=Window(Count("pk")))[:LIMIT])
    return rows, (rows[0].matching if rows else 0)


def _merged(found: list[tuple[list[Model], int]], *, key: Callable, newest_first: bool,
            item: Callable[[Model], Item]) -> Listing:
    rows = sorted((row for rows, _ in found for row in rows), key=key, reverse=newest_first)[:LIMIT]
    return Listing(items=[item(row) for row in rows], more=sum(total for _, total in found) - len(rows))


def _last_saved(row: Model) -> datetime.datetime:
    return row.created_at if isinstance(row, Revision) else row.updated_at


def _draft_item(row: Model) -> Item:
    if isinstance(row, Revision):
        return as_item(row)
    return _content_item(row, row.updated_at, "changed")


def _kind(obj: Model) -> str:
    return str(obj._meta.verbose_name).capitalize()


def _content_item(obj: Model, when: datetime.datetime, when_label: str, kind: str = "") -> Item:
    return Item(title=str(obj), url=admin_url(obj), kind=kind or _kind(obj), when=when, when_label=when_label)


def _published_item(obj: Model) -> Item:
    return Item(title=str(obj), url=admin_url(obj), kind=_kind(obj), when=obj.published_at,
                when_label="published", links=(("view on site", obj.get_absolute_url()),))


def _percent(share: Fraction) -> str:
    return f"{float(100 * share):.1f}%"


def _drift_item(module: ModuleDrift, *, coverage: bool) -> Item:
    details = tuple(
        Detail(
            text=f"{skill.name}: {_percent(skill.before.share)} of postings in {module.before_label} "
                 f"({skill.before.postings} of {skill.before.total}), {_percent(skill.after.share)} in "
                 f"{module.after_label} ({skill.after.postings} of {skill.after.total}): "
                 f"{skill.change_points:+.1f} points",
            links=(("demand for this skill", reverse("postings:skill-detail", kwargs={"slug": skill.slug})),),
        )
        for skill in module.skills
    )
    links = (("coverage of this track", reverse("admin:curriculum_trackcoverage_track", args=[module.track_id])),) \
        if coverage else ()
    return Item(
        title=f"{module.track_title}: {module.module_title}",
        url=reverse("admin:curriculum_module_change", args=[module.module_id]),
        kind="Demand drift",
        details=(Detail(f"Demand in {', '.join(module.segment_names)}, six months apart:"), *details),
        links=links,
    )


class EditorsAdminSite(AdminSite):
    """The admin, whose index is the editors' home: the panels above the usual list of apps."""

    index_template = "admin/careerhub/home.html"

    def index(self, request: HttpRequest, extra_context: dict | None = None):
        return super().index(request, {"panels": home_panels(request.user), **(extra_context or {})})
