"""The readiness benchmark's baseline, served beside the site: the extraction alone plus the demand reads.

``bench/readiness.py`` serves this module with gunicorn (``--pythonpath bench readiness_site:application``):
the whole site as deployed, plus ``POST /bare/readiness/``, which takes the same JSON body as the API's
answers and does only what no answer can skip: decode the body, find the text's skills with the
extractor (``get_matcher().find_all``, its taxonomy check included) and read the demand figures an answer
needs (the published segments, and the tiers of them all from the demand cache). It answers with a few
counts. What the answer adds on top (DRF, validation, the skills and modules read, readiness, plans and
their JSON) is what the benchmark's ratio measures.
"""

import json
import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "careerhub.settings.base")

from django.conf import settings
from django.core.wsgi import get_wsgi_application

application = get_wsgi_application()
settings.ROOT_URLCONF = __name__  # the site's routes and the bare view below

from django.http import JsonResponse  # noqa: E402
from django.urls import include, path  # noqa: E402
from django.views.decorators.csrf import csrf_exempt  # noqa: E402

from curriculum.readiness.selectors import segment_refs  # noqa: E402
from postings.demand.fragments import demand_tiers  # noqa: E402
from postings.extraction import get_matcher  # noqa: E402


@csrf_exempt
def bare_readiness(request) -> JsonResponse:
    text = json.loads(request.body)["text"]
    matches = get_matcher().find_all(text)
    segments = segment_refs()
    table = demand_tiers(segment_ids=[segment.id for segment in segments])
    return JsonResponse({
        "skills": len({match.skill_id for match in matches}),
        "segments": {segment.slug: len(table.segments.get(segment.id, ())) for segment in segments},
    })


urlpatterns = [
    path("bare/readiness/", bare_readiness),
    path("", include("careerhub.urls")),
]
