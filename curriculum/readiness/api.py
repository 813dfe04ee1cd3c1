"""The readiness API: ``POST /api/v1/readiness/`` and ``POST /api/v1/postings/analyze/``.

Public (published content only), limited per client address (``throttles``), and in the OpenAPI schema
with examples. The answer is built as plain data (``answer_data``, ``job_ad_data``); the serializers
below document it. Like the page, nothing sent is stored, logged or cached, and no error quotes the text.
"""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from careerhub.core.api.errors import error_response
from careerhub.core.api.views import StrictSerializer
from postings.demand.tiers import CORE_SHARE
from postings.demand.window import MIN_SAMPLE

from . import schema
from .inputs import MAX_MODULES, MAX_SKILLS, MAX_TEXT_BYTES, InputProblem, shortened, text_problem
from .plan import Plan
from .services import Answer, DemandedSkill, JobAd, SegmentReadiness, job_ad_analysis, readiness_answer
from .throttles import ReadinessThrottle

# The largest body read: 50 KB of text escaped as JSON (up to 6 bytes a byte) and the lists besides.
MAX_BODY_BYTES = 400 * 1024
FORMULA = (
    "readiness = (sum of the shares of the segment's core skills you have) / (sum of the shares of all its core "
    "skills), shares over the demand window"
)


class ValueListField(serializers.ListField):
    """A list of short strings, refused with one clear message when it is longer than ``limit``."""

    def __init__(self, *, limit: int, noun: str, **kwargs):
        super().__init__(child=serializers.CharField(max_length=255), required=False, **kwargs)
        self.limit, self.noun = limit, noun

    def to_internal_value(self, data):
        if isinstance(data, list) and len(data) > self.limit:
            raise ValidationError(f"Too many {self.noun}: at most {self.limit:,}, and {len(data):,} were sent.")
        return super().to_internal_value(data)


class PastedTextField(serializers.CharField):
    """Pasted text, checked by ``inputs.text_problem`` alone: its messages state size or characters, never words."""

    def __init__(self, **kwargs):
        super().__init__(required=False, allow_blank=True, trim_whitespace=False, **kwargs)
        self.validators = []  # DRF's null and surrogate checks would repeat the same problem in other words

    def to_internal_value(self, data):
        text = super().to_internal_value(data)
        if problem := text_problem(text):
            raise ValidationError(problem)
        return text


class ReadinessRequestSerializer(StrictSerializer):
    skills = ValueListField(
        limit=MAX_SKILLS, noun="skills", help_text=f"Slugs of the skills you have (at most {MAX_SKILLS})."
    )
    text = PastedTextField(
        help_text=f"A CV, profile or list of projects, up to {MAX_TEXT_BYTES // 1024} KB of UTF-8: its skills count "
        "as yours. Never stored, logged or cached."
    )
    segment = serializers.SlugField(required=False, help_text="A published segment's slug: answer for it alone.")
    done = ValueListField(
        limit=MAX_MODULES, noun="modules marked done",
        help_text="Modules you finished, as `track-slug/module-slug`: the skills they teach count as yours.",
    )

    def validate(self, data):
        if not data.get("skills") and not data.get("text", "").strip() and not data.get("done"):
            raise ValidationError("Send skills, a text or modules done (or several of them).")
        return data


class JobAdRequestSerializer(StrictSerializer):
    text = PastedTextField(help_text=f"The job ad, up to {MAX_TEXT_BYTES // 1024} KB of UTF-8. Never stored.")
    skills = ValueListField(limit=MAX_SKILLS, noun="skills", help_text="Slugs of the skills you have, if any.")
    done = ValueListField(limit=MAX_MODULES, noun="modules marked done", help_text="Modules you finished, if any.")

    def validate(self, data):
        if not data.get("text", "").strip():
            raise ValidationError({"text": ["Paste the text of a job ad."]})
        return data


# --- Answers as plain data -------------------------------------------------------------------------------------


def _skill(skill) -> dict:
    return {"slug": skill.slug, "name": skill.name, "category": skill.category_slug}


def _figures(row: DemandedSkill) -> dict:
    return {
        **_skill(row.skill), "postings": row.postings, "total": row.total, "share": row.share,
        "direction": row.direction, "change": row.change, "tiers": list(row.tiers),
    }


def _module(module) -> dict:
    return {"ref": module.ref, "title": module.title, "url": module.url,
            "hours": float(module.hours) if module.hours is not None else None}


def _plan(plan: Plan | None, segment) -> dict | None:
    if plan is None:
        return None
    return {
        "segment": segment.slug,
        "start": {"slug": plan.start.slug, "title": plan.start.title} if plan.start else None,
        "hours": float(plan.hours),
        "unestimated": plan.unestimated,
        "tracks": [
            {
                "track": {"slug": group.track.slug, "title": group.track.title},
                "hours": float(group.hours),
                "modules": [
                    {**_module(step.module), "teaches": [skill.slug for skill in step.teaches],
                     "needed_by": [other.ref for other in step.needed_by]}
                    for step in group.steps
                ],
            }
            for group in plan.groups
        ],
        "untaught": [skill.slug for skill in plan.untaught],
    }


def _segment(item: SegmentReadiness) -> dict:
    return {
        "segment": {"slug": item.segment.slug, "name": item.segment.name},
        "postings": item.postings,
        "enough": item.enough,
        "basis": item.basis,
        "readiness": item.readiness,
        "known_weight": item.known_weight,
        "core_weight": item.core_weight,
        "known": [_figures(row) for row in item.known],
        "missing": [_figures(row) for row in item.missing],
        "strengths": [_figures(row) for row in item.strengths],
    }


def _window(window, min_sample: int) -> dict:
    return {"label": window.label, "first": f"{window.first:%Y-%m}", "last": f"{window.last:%Y-%m}",
            "min_sample": min_sample, "core_share": CORE_SHARE}


def answer_data(answer: Answer) -> dict:
    """A readiness answer as the API writes it (``schema.ReadinessAnswerSerializer`` documents it)."""
    learner = answer.learner
    sources = {skill.id: "ticked" for skill in learner.ticked}
    sources |= {item.skill.id: "text" for item in learner.found if item.skill.id not in sources}
    return {
        "window": _window(answer.window, answer.min_sample),
        "formula": FORMULA,
        "skills": {
            "known": [{**_skill(skill), "source": sources.get(skill.id, "module")}
                      for skill in sorted(learner.known.values(), key=lambda skill: skill.name.lower())],
            "found": [{**_skill(item.skill), "words": list(item.words), "mentions": item.mentions}
                      for item in learner.found],
            "unknown": shortened(learner.unknown_skills),
            "unknown_modules": shortened(learner.unknown_modules),
        },
        "target": answer.target.segment.slug if answer.target else None,
        "segments": [_segment(item) for item in answer.segments],
        "plan": _plan(answer.plan, answer.target.segment) if answer.target else None,
    }


def job_ad_data(ad: JobAd) -> dict:
    """A job-ad analysis as the API writes it (``schema.JobAdAnswerSerializer`` documents it)."""
    taught = {item.skill.id: item.modules for item in ad.taught}
    missing = {skill.id for skill in ad.missing}
    stated = ad.learner.stated

    def resemblance(item) -> dict:
        return {"segment": {"slug": item.segment.slug, "name": item.segment.name},
                "similarity": round(item.similarity, 4), "shared": item.shared, "postings": item.postings}

    return {
        "window": _window(ad.window, MIN_SAMPLE),
        "skills": [
            {**_skill(item.skill), "words": list(item.words), "mentions": item.mentions,
             "taught_in": [_module(module) for module in taught.get(item.skill.id, ())],
             "learner_has": (item.skill.id not in missing) if stated else None}
            for item in ad.found
        ],
        "closest": resemblance(ad.closest) if ad.closest else None,
        "segments": [resemblance(item) for item in ad.resemblance],
        "too_few_postings": [{"slug": item.slug, "name": item.name} for item in ad.too_few],
        "untaught": [skill.slug for skill in ad.untaught],
        "missing": [skill.slug for skill in ad.missing] if stated else None,
        "unknown": shortened(ad.learner.unknown_skills),
        "unknown_modules": shortened(ad.learner.unknown_modules),
    }


# --- Views -----------------------------------------------------------------------------------------------------


class ReadinessApiView(APIView):
    """Base of the two answers: public, POST only, limited per address, the body size checked before it is read."""

    permission_classes = [AllowAny]
    throttle_classes = [*api_settings.DEFAULT_THROTTLE_CLASSES, ReadinessThrottle]
    http_method_names = ["post", "options"]
    request_serializer: type[serializers.Serializer]

    def validated(self, request) -> dict:
        serializer = self.request_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def post(self, request):
        if int(request.META.get("CONTENT_LENGTH") or 0) > MAX_BODY_BYTES:
            return error_response(413, f"The body is too large: at most {MAX_BODY_BYTES // 1024} KB.")
        data = self.validated(request)
        try:
            return Response(self.answer(data))
        except InputProblem as problem:
            raise ValidationError({problem.field: [problem.message]}) from None

    def answer(self, data: dict) -> dict:
        raise NotImplementedError


class ReadinessView(ReadinessApiView):
    request_serializer = ReadinessRequestSerializer

    @extend_schema(
        operation_id="readiness",
        summary="How ready a learner is for each segment, and a plan",
        description=(
            "Send the skills you have (slugs), a text to find them in (a CV, a profile, a list of projects), "
            "modules you finished, or several of these. For every published segment (or `segment` alone) the "
            f"answer gives your readiness ({FORMULA}; core skills are asked for in at least "
            f"{CORE_SHARE:.0%} of the segment's postings), the core skills you have and miss with their figures "
            "and your strengths there; and, for the target segment (`segment`, else the one you are readiest "
            "for), a plan: the modules that teach what you miss, prerequisites first, grouped by track, with "
            "hours. `readiness` (and the plan) are null when the segment has too few postings to judge "
            "(`basis`: \"too few postings\"). The text is never stored, logged or cached."
        ),
        request=ReadinessRequestSerializer,
        responses={200: schema.ReadinessAnswerSerializer},
        examples=[*schema.READINESS_EXAMPLES],
        tags=["readiness"],
    )
    def post(self, request):
        return super().post(request)

    def answer(self, data: dict) -> dict:
        segment = data.get("segment") or None
        return answer_data(
            readiness_answer(
                skills=data.get("skills", []), text=data.get("text", ""), done=data.get("done", []),
                segment=segment, all_segments=segment is None,
            )
        )


class JobAdView(ReadinessApiView):
    request_serializer = JobAdRequestSerializer

    @extend_schema(
        operation_id="postings_analyze",
        summary="A job ad's skills, the segment it resembles and where the curriculum teaches them",
        description=(
            "Send a job ad's text (and, optionally, your skills and modules finished). The answer lists the skills "
            "found with the words that matched, the segments whose skill profile the ad resembles (cosine "
            "similarity between the ad's skills and each segment's shares, closest first; segments with too few "
            "postings are listed apart), the modules that teach each skill, the skills no module teaches, and, "
            "when you sent skills or modules, the ad's skills you still miss. The text is never stored, logged "
            "or cached."
        ),
        request=JobAdRequestSerializer,
        responses={200: schema.JobAdAnswerSerializer},
        examples=[*schema.JOB_AD_EXAMPLES],
        tags=["readiness"],
    )
    def post(self, request):
        return super().post(request)

    def answer(self, data: dict) -> dict:
        return job_ad_data(
            job_ad_analysis(text=data["text"], skills=data.get("skills", []), done=data.get("done", []))
        )
