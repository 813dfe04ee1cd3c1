"""The API's filter backend builds its FilterSets from the filters a request names, and nothing else."""

from types import SimpleNamespace

from django.contrib.auth.models import AnonymousUser
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from careerhub.core.api.filters import FilterBackend
from postings.demand.models import SkillDemand
from postings.filters import DemandFilterSet


def _filterset(query: dict):
    request = Request(APIRequestFactory().get("/api/v1/demand/", query))
    request.user = AnonymousUser()
    view = SimpleNamespace(filterset_class=DemandFilterSet)
    return FilterBackend().get_filterset(request, SkillDemand.objects.none(), view), view


def test_the_filterset_holds_only_the_named_filters_and_its_class_is_reused(db):
    # given two requests naming the same filters, and one naming others
    first, view = _filterset({"segment": "finance", "from": "2026-01"})
    second, _ = _filterset({"from": "2026-02", "segment": "health"})
    other, _ = _filterset({"skill": "kubernetes"})
    # then each FilterSet copies only its named filters, one class per combination, kept for the view
    assert set(first.filters) == {"segment", "from"} and set(other.filters) == {"skill"}
    assert type(first) is type(second) and type(first) is not type(other)
    assert issubclass(type(first), DemandFilterSet) and view.filterset is first
    assert set(DemandFilterSet.base_filters) >= {"segment", "skill", "category", "from", "to", "ordering"}
