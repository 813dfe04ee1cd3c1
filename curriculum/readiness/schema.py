"""The readiness answers in the OpenAPI schema: serializers that document ``api.answer_data`` and
``api.job_ad_data`` (tests check that real answers conform), and an example of each request and answer."""

from drf_spectacular.utils import OpenApiExample
from rest_framework import serializers


class ReadinessWindowSerializer(serializers.Serializer):
    label = serializers.CharField(help_text="The demand window in words: '12 months to October 2026'.")
    first = serializers.CharField(help_text="Its first month, YYYY-MM.")
    last = serializers.CharField(help_text="Its last (complete) month, YYYY-MM.")
    min_sample = serializers.IntegerField(help_text="Fewer postings than this in a segment: too few to judge.")
    core_share = serializers.FloatField(help_text="A core skill is asked for in at least this share of postings.")


class ReadinessSkillSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    category = serializers.CharField(help_text="The slug of the skill's category.")


class ReadinessKnownSkillSerializer(ReadinessSkillSerializer):
    source = serializers.ChoiceField(
        choices=["ticked", "text", "module"], help_text="Sent as a slug, found in the text, or taught by a module done."
    )


class ReadinessFoundSkillSerializer(ReadinessSkillSerializer):
    words = serializers.ListField(child=serializers.CharField(), help_text="The words that matched (first few).")
    mentions = serializers.IntegerField()


class ReadinessLearnerSerializer(serializers.Serializer):
    known = ReadinessKnownSkillSerializer(many=True, help_text="Every skill counted as yours.")
    found = ReadinessFoundSkillSerializer(many=True, help_text="The skills found in the text.")
    unknown = serializers.ListField(child=serializers.CharField(), help_text="Slugs that are no published skill.")
    unknown_modules = serializers.ListField(
        child=serializers.CharField(), help_text="Module references that are no published module."
    )


class ReadinessFigureSerializer(ReadinessSkillSerializer):
    postings = serializers.IntegerField(help_text="The segment's postings asking for the skill over the window.")
    total = serializers.IntegerField(help_text="The segment's postings over the window.")
    share = serializers.FloatField(allow_null=True, help_text="postings / total; null with too few postings.")
    direction = serializers.CharField(help_text='"rising", "stable", "falling" or "too few postings".')
    change = serializers.FloatField(allow_null=True, help_text="The change of share, in percentage points.")
    tiers = serializers.ListField(child=serializers.CharField(), help_text="core, distinguishing, rising.")


class ReadinessTrackRefSerializer(serializers.Serializer):
    slug = serializers.CharField()
    title = serializers.CharField()


class ReadinessPlanModuleSerializer(serializers.Serializer):
    ref = serializers.CharField(help_text="`track-slug/module-slug`: how `done` names it.")
    title = serializers.CharField()
    url = serializers.CharField(help_text="The module's page.")
    hours = serializers.FloatField(allow_null=True, help_text="Estimated hours; null when not estimated.")
    teaches = serializers.ListField(child=serializers.CharField(), help_text="Missing skills it teaches (slugs).")
    needed_by = serializers.ListField(
        child=serializers.CharField(), help_text="Planned modules that need it first (it is their prerequisite)."
    )


class ReadinessPlanTrackSerializer(serializers.Serializer):
    track = ReadinessTrackRefSerializer()
    hours = serializers.FloatField()
    modules = ReadinessPlanModuleSerializer(many=True)


class ReadinessPlanSerializer(serializers.Serializer):
    segment = serializers.CharField(help_text="The segment planned for: the target.")
    start = ReadinessTrackRefSerializer(allow_null=True, help_text="The track to start with; null with no plan.")
    hours = serializers.FloatField(help_text="Estimated hours of the modules that have an estimate.")
    unestimated = serializers.IntegerField(help_text="Modules without an estimate.")
    tracks = ReadinessPlanTrackSerializer(many=True, help_text="In order: prerequisites first, grouped by track.")
    untaught = serializers.ListField(child=serializers.CharField(), help_text="Missing skills no module teaches.")


class ReadinessSegmentRefSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()


class ReadinessSegmentSerializer(serializers.Serializer):
    segment = ReadinessSegmentRefSerializer()
    postings = serializers.IntegerField(help_text="The segment's postings over the window: the sample.")
    enough = serializers.BooleanField(help_text="Enough postings to judge (at least `window.min_sample`).")
    basis = serializers.ChoiceField(
        choices=["core", "top", "too few postings", "no skills"],
        help_text="core: its core skills; top: no skill is core, its 10 most asked-for stand in; too few postings: "
        "not judged; no skills: no posting named a published skill.",
    )
    readiness = serializers.FloatField(allow_null=True, help_text="0 to 1; null when not judged.")
    known_weight = serializers.IntegerField(help_text="Postings asking for the core skills you have, summed.")
    core_weight = serializers.IntegerField(help_text="Postings asking for each core skill, summed.")
    known = ReadinessFigureSerializer(many=True, help_text="The core skills you have.")
    missing = ReadinessFigureSerializer(many=True, help_text="The core skills you miss, by demand, then trend.")
    strengths = ReadinessFigureSerializer(many=True, help_text="Your skills the segment asks for most.")


class ReadinessAnswerSerializer(serializers.Serializer):
    window = ReadinessWindowSerializer()
    formula = serializers.CharField()
    skills = ReadinessLearnerSerializer()
    target = serializers.CharField(
        allow_null=True, help_text="The segment asked for, else the one you are readiest for."
    )
    segments = ReadinessSegmentSerializer(many=True)
    plan = ReadinessPlanSerializer(
        allow_null=True, help_text="The plan for the target segment; null when it is not judged (too few postings)."
    )


class JobAdModuleSerializer(serializers.Serializer):
    ref = serializers.CharField()
    title = serializers.CharField()
    url = serializers.CharField()
    hours = serializers.FloatField(allow_null=True)


class JobAdSkillSerializer(ReadinessFoundSkillSerializer):
    taught_in = JobAdModuleSerializer(many=True, help_text="The modules that teach it, in path order.")
    learner_has = serializers.BooleanField(allow_null=True, help_text="Null when you sent no skills or modules.")


class JobAdResemblanceSerializer(serializers.Serializer):
    segment = ReadinessSegmentRefSerializer()
    similarity = serializers.FloatField(help_text="Cosine similarity, 0 (nothing shared) to 1.")
    shared = serializers.IntegerField(help_text="The ad's skills the segment's postings ask for.")
    postings = serializers.IntegerField()


class JobAdAnswerSerializer(serializers.Serializer):
    window = ReadinessWindowSerializer()
    skills = JobAdSkillSerializer(many=True)
    closest = JobAdResemblanceSerializer(allow_null=True, help_text="Null when the ad shares no skill with any.")
    segments = JobAdResemblanceSerializer(many=True)
    too_few_postings = ReadinessSegmentRefSerializer(many=True)
    untaught = serializers.ListField(child=serializers.CharField())
    missing = serializers.ListField(
        child=serializers.CharField(), allow_null=True, help_text="The ad's skills you miss; null when you sent none."
    )
    unknown = serializers.ListField(child=serializers.CharField())
    unknown_modules = serializers.ListField(child=serializers.CharField())


_WINDOW = {"label": "12 months to October 2026", "first": "2025-11", "last": "2026-10", "min_sample": 30,
           "core_share": 0.25}
_K8S = {"slug": "kubernetes", "name": "Kubernetes", "category": "containers-orchestration"}
_MLFLOW = {"slug": "mlflow", "name": "MLflow", "category": "experiment-tracking"}
_MODULE = {"ref": "mlops-engineer/experiments-and-registry", "title": "Experiments and the model registry",
           "url": "/tracks/mlops-engineer/modules/experiments-and-registry/", "hours": 10.0}

READINESS_EXAMPLES = [
    OpenApiExample(
        "Skills and a CV",
        request_only=True,
        value={"skills": ["python", "docker"], "text": "Ran k8s clusters for model serving; built CI/CD in GitLab.",
               "segment": "big-tech"},
    ),
    OpenApiExample(
        "An answer",
        response_only=True,
        value={
            "window": _WINDOW,
            "formula": "readiness = (sum of the shares of the segment's core skills you have) / (sum of the shares "
            "of all its core skills), shares over the demand window",
            "skills": {"known": [{**_K8S, "source": "text"}], "found": [{**_K8S, "words": ["k8s"], "mentions": 1}],
                       "unknown": [], "unknown_modules": []},
            "target": "big-tech",
            "segments": [{
                "segment": {"slug": "big-tech", "name": "Big tech"}, "postings": 412, "enough": True, "basis": "core",
                "readiness": 0.55, "known_weight": 206, "core_weight": 375,
                "known": [{**_K8S, "postings": 206, "total": 412, "share": 0.5, "direction": "stable",
                           "change": 0.4, "tiers": ["core"]}],
                "missing": [{**_MLFLOW, "postings": 169, "total": 412, "share": 0.41, "direction": "rising",
                             "change": 3.1, "tiers": ["core", "rising"]}],
                "strengths": [{**_K8S, "postings": 206, "total": 412, "share": 0.5, "direction": "stable",
                               "change": 0.4, "tiers": ["core"]}],
            }],
            "plan": {"segment": "big-tech", "start": {"slug": "mlops-engineer", "title": "MLOps Engineer"},
                     "hours": 10.0, "unestimated": 0, "untaught": [],
                     "tracks": [{"track": {"slug": "mlops-engineer", "title": "MLOps Engineer"}, "hours": 10.0,
                                 "modules": [{**_MODULE, "teaches": ["mlflow"], "needed_by": []}]}]},
        },
    ),
]

JOB_AD_EXAMPLES = [
    OpenApiExample(
        "A job ad",
        request_only=True,
        value={"text": "We are hiring an MLOps engineer: Kubernetes, MLflow, Terraform.", "skills": ["kubernetes"]},
    ),
    OpenApiExample(
        "An analysis",
        response_only=True,
        value={
            "window": _WINDOW,
            "skills": [{**_MLFLOW, "words": ["MLflow"], "mentions": 1, "taught_in": [_MODULE], "learner_has": False}],
            "closest": {"segment": {"slug": "big-tech", "name": "Big tech"}, "similarity": 0.61, "shared": 1,
                        "postings": 412},
            "segments": [{"segment": {"slug": "big-tech", "name": "Big tech"}, "similarity": 0.61, "shared": 1,
                          "postings": 412}],
            "too_few_postings": [],
            "untaught": [],
            "missing": ["mlflow"],
            "unknown": [],
            "unknown_modules": [],
        },
    ),
]
