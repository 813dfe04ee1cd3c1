"""The readiness pages, server-rendered so that they work without JavaScript.

``/readiness/``: the learner ticks skills and/or pastes a text (one form, POST with CSRF). Ticks alone
are redirected (303) to ``/readiness/?skills=a,b``, the shareable answer. A pasted text is answered on
the spot: the skills found in it are listed with the words that matched, to be confirmed (a GET form,
so the confirmed slugs, never the text, go into the URL). ``/readiness/job-ad/``: a pasted job ad.

Pasted text is never stored, logged, cached or put in a URL: ``sensitive_post_parameters`` keeps it out
of error reports, answers to a POST are ``no-store``, refused input comes back without its text, and
POSTs are limited per client address (``throttles``).
"""

import math
from urllib.parse import urlencode

from django.core.exceptions import TooManyFieldsSent
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from postings.demand.tiers import CORE_SHARE
from postings.demand.window import MIN_SAMPLE

from .forms import JobAdForm, LearnerListsForm, ReadinessForm
from .inputs import MAX_SKILLS, MAX_TEXT_BYTES, InputProblem, shortened, split_values
from .selectors import SkillRef, readiness_reads, segment_refs
from .services import TOP_STAND_IN, job_ad_analysis, readiness_answer
from .throttles import readiness_wait

LIST_PARAMS = ("skills", "done")


def readiness_url(*, skills=(), segment: str | None = None, done=(), name: str = "readiness:page") -> str:
    """A readiness page's address for these skills (``?skills=a,b``), target segment and modules done."""
    params = {"skills": ",".join(skills), "segment": segment or "", "done": ",".join(done)}
    query = urlencode({key: value for key, value in params.items() if value}, safe=",/")
    return reverse(name) + (f"?{query}" if query else "")


def _grouped(catalogue: dict[int, SkillRef], checked: set[str]) -> list[dict]:
    """The published skills by category for the checkboxes: ``[{"name", "slug", "skills": [(skill, checked)]}]``."""
    groups: dict[str, dict] = {}
    for skill in catalogue.values():
        group = groups.setdefault(skill.category_slug, {"name": skill.category_name, "slug": skill.category_slug,
                                                        "skills": [], "ticked": 0})
        group["skills"].append((skill, skill.slug in checked))
        group["ticked"] += skill.slug in checked
    return list(groups.values())


def _values(form, name: str) -> list[str]:
    """A list field's values as sent, cleaned when valid (for the checkboxes and hidden fields), capped."""
    if not form.is_bound:
        return []
    if name in getattr(form, "cleaned_data", {}):
        return form.cleaned_data[name]
    return split_values(form.data.getlist(name)[: MAX_SKILLS + 1])[:MAX_SKILLS]


def _errors(form) -> list[tuple[str, str]]:
    return [(form.fields[name].label if name in form.fields else "Request", message)
            for name, messages in form.errors.items() for message in messages]


def _private(response: HttpResponse) -> HttpResponse:
    """An answer to a POST shows words of the pasted text: no cache (browser, proxy) may keep it."""
    patch_cache_control(response, no_store=True, private=True)
    return response


TOO_MANY_VALUES = f"Too many values were sent at once: tick at most {MAX_SKILLS:,} skills."


def _refusal(wait: float | None) -> dict:
    """What a page says when a request is refused before its form is read: too many values, or too many requests."""
    if wait is None:
        return {"errors": [("Skills", TOO_MANY_VALUES)]}
    return {"throttled": max(1, math.ceil(wait))}


def _refused(response: HttpResponse, refusal: dict) -> HttpResponse:
    if "throttled" in refusal:
        response["Retry-After"] = str(refusal["throttled"])
    return _private(response)


def _page(
    request: HttpRequest, form: ReadinessForm, *, answer=None, status: int = 200, reads=None, extra: dict | None = None
) -> HttpResponse:
    reads, segments = reads or (readiness_reads(), segment_refs())
    catalogue = reads.skills
    skills, done = _values(form, "skills"), _values(form, "done")
    segment = (form.cleaned_data.get("segment") if hasattr(form, "cleaned_data") else "") or ""
    posted = request.method == "POST"
    context = {
        "form": form,
        "errors": _errors(form) if form.is_bound else [],
        "categories": _grouped(catalogue, set(skills)),
        "segments": segments,
        "skills_value": ",".join(skills),
        "done_value": ",".join(done),
        "segment_value": segment,
        "answer": answer,
        "posted": posted,
        "text_read": posted and bool(form.is_bound and form.is_valid() and form.cleaned_data["text"].strip()),
        "max_kb": MAX_TEXT_BYTES // 1024,
        "core_share": CORE_SHARE,
        "stand_in": TOP_STAND_IN,
        "job_ad_url": readiness_url(skills=skills, done=done, name="readiness:job-ad"),
    }
    if answer is not None:
        learner = answer.learner
        context["unknown_skills"] = shortened(learner.unknown_skills)
        context["unknown_modules"] = shortened(learner.unknown_modules)
        context["segment_rows"] = [
            (item, readiness_url(skills=skills, segment=item.segment.slug, done=done)) for item in answer.segments
        ]
        context["share_url"] = request.build_absolute_uri(readiness_url(skills=skills, segment=segment, done=done))
    response = render(request, "curriculum/readiness/page.html", context | (extra or {}), status=status)
    return _private(response) if posted else response


def _not_canonical(query) -> bool:
    """Whether a GET carries a list as repeated parameters (ticked boxes) rather than ``?skills=a,b``."""
    return any(len(query.getlist(name)) > 1 for name in LIST_PARAMS) or any(
        name in query and not query[name] for name in (*LIST_PARAMS, "segment")
    )


@sensitive_post_parameters("text")
@require_http_methods(["GET", "HEAD", "POST"])
def readiness_view(request: HttpRequest) -> HttpResponse:
    posted = request.method == "POST"
    try:
        data = request.POST if posted else request.GET
        bound = posted or any(name in data for name in (*LIST_PARAMS, "segment"))
    except TooManyFieldsSent:
        return _refused(_page(request, ReadinessForm(), status=400, extra=_refusal(None)), _refusal(None))
    if posted and (wait := readiness_wait(request)) is not None:
        refusal = _refusal(wait)
        return _refused(_page(request, ReadinessForm(), status=429, extra=refusal), refusal)
    form = ReadinessForm(data if bound else None)
    if not form.is_bound:
        return _page(request, form)
    if not form.is_valid():
        return _page(request, form, status=400)
    params = form.params()
    if (posted and not params["text"].strip()) or (not posted and _not_canonical(request.GET)):
        response = redirect(readiness_url(skills=params["skills"], segment=params["segment"], done=params["done"]))
        response.status_code = 303 if posted else 302  # 303: "see the answer there", by GET
        return response
    reads = (readiness_reads(), segment_refs())
    try:
        answer = readiness_answer(**params, reads=reads[0], segments=reads[1])
    except InputProblem as problem:
        form.add_error(problem.field if problem.field in form.fields else None, problem.message)
        return _page(request, form, status=400, reads=reads)
    if not answer.learner.stated:
        answer = None
    return _page(request, form, answer=answer, reads=reads)


@sensitive_post_parameters("text")
@require_http_methods(["GET", "HEAD", "POST"])
def job_ad_view(request: HttpRequest) -> HttpResponse:
    posted = request.method == "POST"
    template = "curriculum/readiness/job_ad.html"
    context = {"posted": posted, "max_kb": MAX_TEXT_BYTES // 1024, "min_sample": MIN_SAMPLE}
    try:
        data = request.POST if posted else request.GET
    except TooManyFieldsSent:
        return _refused(render(request, template, context | _refusal(None), status=400), _refusal(None))
    if posted and (wait := readiness_wait(request)) is not None:
        refusal = _refusal(wait)
        return _refused(render(request, template, context | refusal, status=429), refusal)
    form = JobAdForm(data) if posted else LearnerListsForm(data)
    context["form"] = form
    if form.is_valid() and posted:
        try:
            ad = job_ad_analysis(
                text=form.cleaned_data["text"], skills=form.cleaned_data["skills"], done=form.cleaned_data["done"]
            )
            taught, missing = {item.skill.id: item.modules for item in ad.taught}, {skill.id for skill in ad.missing}
            context["ad"] = ad
            context["ad_rows"] = [
                (item, taught.get(item.skill.id, ()), item.skill.id not in missing) for item in ad.found
            ]
        except InputProblem as problem:
            form.add_error(problem.field if problem.field in form.fields else None, problem.message)
    skills, done = _values(form, "skills"), _values(form, "done")
    context |= {
        "errors": _errors(form),
        "skills_value": ",".join(skills),
        "done_value": ",".join(done),
        "readiness_url": readiness_url(skills=skills, done=done),
    }
    response = render(request, template, context, status=400 if form.errors else 200)
    return _private(response) if posted else response
