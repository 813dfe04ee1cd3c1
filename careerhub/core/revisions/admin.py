"""The admin side of revisions: the change note, the Save draft / Submit / Publish buttons, each object's
revisions (compare, preview, submit, publish, send back, schedule, revert) and the Scheduled screen.

Saving a published object never changes it: the admin's own save (its services, inlines included) runs in
a savepoint that is read back as a snapshot and rolled back (``revision_save_draft``).
"""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse

from ..editorial import Status
from .compare import compare_snapshots
from .models import Revision, RevisionState
from .permissions import can_publish
from .preview import revision_preview
from .registry import adapter_for
from .selectors import revision_continued_by, revisions_of, revisions_scheduled
from .services import (
    changed_since_revision,
    revision_publish,
    revision_revert,
    revision_save_draft,
    revision_schedule,
    revision_send_back,
    revision_submit,
)
from .snapshots import snapshot_of

NOTE_FIELD = "change_note"
BUTTONS = {"_save_draft": "draft", "_submit": "submit", "_publish": "publish"}


class ScheduleForm(forms.Form):
    publish_at = forms.DateTimeField(required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    unpublish_at = forms.DateTimeField(required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))


class RevisionAdminMixin:
    """Gives a content admin (segments, tracks, modules, skills) revisions; put it before ``EditorialAdmin``."""

    change_form_template = "admin/careerhub/revision_change_form.html"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        note = forms.CharField(
            label="Change note",
            required=False,
            max_length=500,
            help_text="Optional: what you changed and why, shown in the revisions list.",
        )
        self.form = type(self.form.__name__, (self.form,), {NOTE_FIELD: note})
        # The app's own save_model and save_related (its services, its inlines, a module's position) are the
        # ``write`` of one revision: kept here and wrapped, whichever class of the admin defines them.
        self._app_save_model, self._app_save_related = self.save_model, self.save_related
        self.save_model, self.save_related = self._defer_save_model, self._save_as_revision

    # --- The change form -------------------------------------------------------------------------

    def get_fieldsets(self, request: HttpRequest, obj: Any = None):
        fieldsets = list(super().get_fieldsets(request, obj))
        return [*fieldsets, ("Change note", {"fields": [NOTE_FIELD]})]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None):
        fields = tuple(super().get_readonly_fields(request, obj))
        # Status moves with the buttons and actions, which check the publishing permission.
        return fields if can_publish(request.user) else (*fields, "status")

    def render_change_form(self, request: HttpRequest, context: dict, add=False, change=False, form_url="", obj=None):
        live = obj is not None and obj.status == Status.PUBLISHED
        continued, stale = self._continued_draft(request, obj) if change else (None, None)
        context.update(
            revision_buttons=change,
            revision_live=live,
            revision_publisher=can_publish(request.user),
            revisions_url=self._url("revisions", obj.pk) if change else None,
            continued_revision=continued,
            stale_revision=stale,
            stale_changes=", ".join(changed_since_revision(stale, obj)) if stale else "",
            live_url=f"{self._url('change', obj.pk)}?live=1" if continued else None,
            continued_children=self._children_not_shown(obj, continued) if continued else [],
        )
        return super().render_change_form(request, context, add, change, form_url, obj)

    # --- Continuing one's draft: the change form opens with its values ------------------------------

    def _continued_draft(self, request: HttpRequest, obj: Any) -> tuple[Revision | None, Revision | None]:
        """The user's draft this form continues, or (None, their draft made before a newer live version).

        Only on a fresh GET (``?live=1`` shows the live version). A draft made from an older version than the
        live one is not loaded: its snapshot would bring back what was published since; the form shows the
        live version and says so.
        """
        if obj is None or request.method != "GET" or "live" in request.GET:
            return None, None
        cache = request.__dict__.setdefault("_continued_drafts", {})
        if obj.pk not in cache:
            draft = revision_continued_by(obj, user=request.user)
            current = draft is not None and draft.based_on_version in (None, obj.version)
            cache[obj.pk] = (draft, None) if current else (None, draft)
        return cache[obj.pk]

    def _children_not_shown(self, obj: Any, draft: Revision) -> list[str]:
        """The inline children (“Resources”) the draft changed: the form's inlines show the live ones."""
        adapter = adapter_for(self.model)
        applied = {
            str(getattr(self.model, inline.related_name).rel.related_model._meta.verbose_name_plural).capitalize()
            for inline in adapter.inlines
            if inline.apply
        }
        comparison = compare_snapshots(adapter, snapshot_of(obj, adapter), draft.snapshot)
        return [change.label for change in comparison.children if change.label in applied]

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any):
        form = super().get_form(request, obj, change=change, **kwargs)
        draft, _stale = self._continued_draft(request, obj)
        if draft is None:
            return form
        initial = {**draft.snapshot.get("fields", {})}
        initial |= {name: [pk for pk, _label in links] for name, links in draft.snapshot.get("m2m", {}).items()}

        def __init__(form_self, *args: Any, **form_kwargs: Any) -> None:
            # The draft's values over the live ones (a bound form, once posted, holds what was typed).
            form_kwargs["initial"] = {**initial, **(form_kwargs.get("initial") or {})}
            form.__init__(form_self, *args, **form_kwargs)

        return type(form.__name__, (form,), {"__init__": __init__})

    def _defer_save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        pass  # saved with its links and inlines in ``_save_as_revision``, as one revision

    def _save_as_revision(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        obj = form.instance

        def write() -> None:
            self._app_save_model(request, obj, form, change)
            self._app_save_related(request, form, formsets, change)

        button = next((BUTTONS[name] for name in BUTTONS if name in request.POST), "draft")
        if button == "publish" and not can_publish(request.user):
            raise PermissionDenied("Only publishers may publish.")
        revision = revision_save_draft(
            instance=obj, by=request.user, write=write, note=form.cleaned_data.get(NOTE_FIELD, "")
        )
        if button == "submit" and revision.state == RevisionState.DRAFT:
            revision = revision_submit(revision=revision, by=request.user)
        elif button == "publish":
            revision = revision_publish(revision=revision, by=request.user)
        request._saved_revision = revision

    def response_change(self, request: HttpRequest, obj: Any) -> HttpResponse:
        revision = getattr(request, "_saved_revision", None)
        if revision is None or revision.state in (RevisionState.SAVED, RevisionState.PUBLISHED):
            if revision is not None and revision.state == RevisionState.PUBLISHED:
                self.message_user(request, f"Revision {revision.number} is published: it is the live version.")
            return super().response_change(request, obj)
        verb = "submitted for review" if revision.state == RevisionState.SUBMITTED else "saved as a draft"
        self.message_user(
            request,
            f"Revision {revision.number} of “{revision.object_label}” was {verb}; the live version is unchanged "
            "until it is published.",
            messages.SUCCESS,
        )
        return HttpResponseRedirect(self._url("revisions", obj.pk))

    # --- One history for editors ---------------------------------------------------------------------

    def history_view(self, request: HttpRequest, object_id: str, extra_context: dict | None = None) -> HttpResponse:
        """The revisions page: editors read one history (django-simple-history's rows stay, for edit conflicts)."""
        if not str(object_id).isdigit():
            raise Http404("No such object.")
        return HttpResponseRedirect(self._url("revisions", int(object_id)))

    def history_form_view(self, request: HttpRequest, object_id: str, version_id: str, extra_context=None):
        # Its revert restored fields but not links; ``revision_revert`` restores everything.
        return self.history_view(request, object_id)

    def revert_disabled(self, request: HttpRequest, obj: Any = None) -> bool:
        return True

    # --- Status actions: publishing and unpublishing need the permission ---------------------------

    def has_publish_permission(self, request: HttpRequest) -> bool:
        return can_publish(request.user)

    def get_actions(self, request: HttpRequest):
        actions = super().get_actions(request)
        if not can_publish(request.user):
            for name in ("publish", "archive", "return_to_draft"):
                actions.pop(name, None)
        return actions

    # --- Revisions pages ----------------------------------------------------------------------------

    def _url(self, name: str, *args: Any) -> str:
        opts = self.model._meta
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_{name}", args=args)

    def get_urls(self):
        opts = self.model._meta
        prefix = f"{opts.app_label}_{opts.model_name}"
        wrap = self.admin_site.admin_view
        return [
            path("<int:object_id>/revisions/", wrap(self.revisions_view), name=f"{prefix}_revisions"),
            path("<int:object_id>/revisions/compare/", wrap(self.compare_view), name=f"{prefix}_revision_compare"),
            path(
                "<int:object_id>/revisions/<int:number>/",
                wrap(self.revision_action_view),
                name=f"{prefix}_revision_action",
            ),
            path(
                "<int:object_id>/revisions/<int:number>/preview/",
                wrap(self.preview_view),
                name=f"{prefix}_revision_preview",
            ),
            *super().get_urls(),
        ]

    def _object(self, request: HttpRequest, object_id: int) -> Any:
        obj = self.get_object(request, str(object_id))
        if obj is None:
            raise Http404(f"No {self.model._meta.verbose_name} with id {object_id}.")
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        return obj

    def revisions_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        obj = self._object(request, object_id)
        revisions = list(revisions_of(obj))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"Revisions of {obj}",
            "object": obj,
            "revisions": revisions,
            "publisher": can_publish(request.user),
            "schedule_form": ScheduleForm(),
            "change_url": self._url("change", obj.pk),
            "compare_url": self._url("revision_compare", obj.pk),
        }
        return TemplateResponse(request, "admin/careerhub/revisions.html", context)

    def compare_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        obj = self._object(request, object_id)
        numbers = [request.GET.get("a", ""), request.GET.get("b", "")]
        if not all(number.isdigit() for number in numbers):
            self.message_user(request, "Choose two revisions to compare.", messages.ERROR)
            return HttpResponseRedirect(self._url("revisions", obj.pk))
        found = {r.number: r for r in revisions_of(obj).filter(number__in=[int(n) for n in numbers])}
        old, new = (found.get(int(number)) for number in sorted(numbers, key=int))
        if old is None or new is None:
            raise Http404("No such revision.")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"{obj}: revision {old.number} and revision {new.number}",
            "object": obj,
            "old": old,
            "new": new,
            "comparison": compare_snapshots(adapter_for(self.model), old.snapshot, new.snapshot),
            "revisions_url": self._url("revisions", obj.pk),
        }
        return TemplateResponse(request, "admin/careerhub/revision_compare.html", context)

    def preview_view(self, request: HttpRequest, object_id: int, number: int) -> HttpResponse:
        obj = self._object(request, object_id)
        revision = get_object_or_404(revisions_of(obj), number=number)
        return revision_preview(request, revision=revision)

    def revision_action_view(self, request: HttpRequest, object_id: int, number: int) -> HttpResponse:
        """POST: submit, publish, send back (with a comment), schedule or revert to this revision."""
        obj = self._object(request, object_id)
        revision = get_object_or_404(revisions_of(obj), number=number)
        back = HttpResponseRedirect(self._url("revisions", obj.pk))
        if request.method != "POST":
            return back
        action = request.POST.get("action", "")
        try:
            message = self._carry_out(request, obj, revision, action)
        except ValidationError as error:
            for text in error.messages:
                self.message_user(request, text, messages.ERROR)
            return back
        self.message_user(request, message, messages.SUCCESS)
        return back

    def _carry_out(self, request: HttpRequest, obj: Any, revision: Revision, action: str) -> str:
        user = request.user
        if action == "submit":
            revision_submit(revision=revision, by=user)
            return f"Revision {revision.number} is waiting for review."
        if action == "publish":
            revision_publish(revision=revision, by=user)
            return f"Revision {revision.number} is published: it is the live version."
        if action == "send_back":
            revision_send_back(revision=revision, by=user, comment=request.POST.get("comment", ""))
            return f"Revision {revision.number} was sent back to its author."
        if action == "revert":
            reverted = revision_revert(instance=obj, to=revision.number, by=user, note=request.POST.get("note", ""))
            done = "and published" if reverted.state == RevisionState.PUBLISHED else "as a draft"
            if reverted.state == RevisionState.SAVED:
                done = "and saved"
            return f"Reverted to revision {revision.number} {done} (revision {reverted.number})."
        if action == "schedule":
            form = ScheduleForm(request.POST)
            if not form.is_valid():
                raise ValidationError([f"{name}: {' '.join(errors)}" for name, errors in form.errors.items()])
            revision_schedule(revision=revision, by=user, **form.cleaned_data)
            return f"Revision {revision.number} is scheduled."
        raise ValidationError(f"Unknown action “{action}”.")


@admin.register(Revision)
class RevisionAdmin(admin.ModelAdmin):
    """Every revision, read-only; the list opens on the Scheduled screen's filter."""

    list_display = (
        "object_label",
        "number",
        "content_type",
        "state",
        "created_by",
        "created_at",
        "publish_at",
        "unpublish_at",
    )
    list_filter = ("state", "content_type")
    list_select_related = ("content_type", "created_by")
    search_fields = ("object_label", "note")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_active and request.user.is_staff)

    def get_urls(self):
        return [
            path("scheduled/", self.admin_site.admin_view(self.scheduled_view), name="careerhub_revision_scheduled"),
            *super().get_urls(),
        ]

    def scheduled_view(self, request: HttpRequest) -> HttpResponse:
        rows = [(revision, _change_url(revision)) for revision in revisions_scheduled()]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Scheduled",
            "rows": rows,
        }
        return TemplateResponse(request, "admin/careerhub/scheduled.html", context)


def _change_url(revision: Revision) -> str:
    content_type = revision.content_type
    return reverse(f"admin:{content_type.app_label}_{content_type.model}_revisions", args=[revision.object_id])
