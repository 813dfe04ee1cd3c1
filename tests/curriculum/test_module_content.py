"""Modules' content, order and prerequisites: the models' rules and the services that keep them."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from curriculum.models import Exercise, Module, Resource, SelfCheckQuestion
from curriculum.services import (
    module_create,
    module_delete,
    module_item_delete,
    module_item_save,
    module_move,
    module_save,
    module_set_prerequisites,
    module_update,
)
from tests.factories import ModuleFactory, TrackFactory

pytestmark = pytest.mark.django_db


def titles(track) -> list[tuple[int, str]]:
    return list(Module.objects.filter(track=track).order_by("order").values_list("order", "title"))


def make(track, *names) -> list[Module]:
    return [module_create(track=track, title=name, slug=name.lower()) for name in names]


# --- Order ---------------------------------------------------------------------------------------------------


def test_two_modules_cannot_share_a_position_in_a_track():
    # given two modules of one track
    track = TrackFactory()
    first, second = make(track, "A", "B")
    # when the database is asked to give the second the first's position
    # then it refuses
    with pytest.raises(IntegrityError), transaction.atomic():
        Module.objects.filter(pk=second.pk).update(order=first.order)
    # and validation says so before the database has to
    second.order = first.order
    with pytest.raises(ValidationError):
        second.full_clean()
    # the same position in another track is fine
    assert module_create(track=TrackFactory(), title="A", slug="a").order == 1


def test_a_new_module_goes_last_unless_given_a_position():
    track = TrackFactory()
    make(track, "A", "B")
    assert module_create(track=track, title="C", slug="c").order == 3
    # given a position, it takes it and the modules from there move down one
    module_create(track=track, title="Start", slug="start", order=1)
    assert titles(track) == [(1, "Start"), (2, "A"), (3, "B"), (4, "C")]
    # a position past the end means last
    assert module_create(track=track, title="End", slug="end", order=40).order == 5


def test_a_new_module_goes_after_the_highest_position_even_with_gaps():
    track = TrackFactory()
    ModuleFactory(track=track, order=7)
    assert module_create(track=track, title="New", slug="new").order == 8


@pytest.mark.parametrize(
    ("position", "expected"),
    [
        (1, ["C", "A", "B", "D"]),
        (2, ["A", "C", "B", "D"]),
        (3, ["A", "B", "C", "D"]),
        (4, ["A", "B", "D", "C"]),
        (99, ["A", "B", "D", "C"]),
    ],
)
def test_moving_a_module_renumbers_the_track_one_to_n(position, expected):
    # given a track whose positions have gaps (as data from before the renumbering might)
    track = TrackFactory()
    for order, name in [(2, "A"), (5, "B"), (6, "C"), (9, "D")]:
        ModuleFactory(track=track, order=order, title=name)
    moving = Module.objects.get(track=track, title="C")
    # when C is moved
    module_move(module=moving, position=position)
    # then the track is numbered 1..n in the new order
    assert titles(track) == list(enumerate(expected, start=1))
    assert moving.order == expected.index("C") + 1


def test_a_move_is_recorded_in_the_history_of_each_module_that_moved():
    track = TrackFactory()
    a, b, c = make(track, "A", "B", "C")
    versions = {m.pk: m.history.count() for m in (a, b, c)}
    module_move(module=c, position=1)
    assert [m.history.count() - versions[m.pk] for m in (a, b, c)] == [1, 1, 1]
    assert c.history.first().order == 1 and a.history.first().order == 2


def test_a_position_must_be_a_whole_number_from_one():
    track = TrackFactory()
    (a,) = make(track, "A")
    for position in (0, -1, "2", True):
        with pytest.raises(ValidationError) as error:
            module_move(module=a, position=position)
        assert "order" in error.value.message_dict


def test_update_moves_a_module_and_another_track_takes_it_last():
    track, other = TrackFactory(), TrackFactory()
    a, b, _c = make(track, "A", "B", "C")
    make(other, "X")
    module_update(module=a, data={"order": 3, "title": "A moved"})
    assert titles(track) == [(1, "B"), (2, "C"), (3, "A moved")]
    # moving to another track: last there, and the track it left closes the gap
    module_update(module=b, data={"track": other})
    assert titles(other) == [(1, "X"), (2, "B")]
    assert titles(track) == [(1, "C"), (2, "A moved")]


def test_saving_a_module_edited_in_place_keeps_its_place():
    # an inline's rows hold the positions they were read with: a stale number is not a move
    track = TrackFactory()
    _a, b = make(track, "A", "B")
    b.order = 1
    b.title = "B renamed"
    module_save(module=b)
    assert titles(track) == [(1, "A"), (2, "B renamed")]
    module_save(module=b, position=1)
    assert titles(track) == [(1, "B renamed"), (2, "A")]


def test_deleting_a_module_closes_the_gap():
    track = TrackFactory()
    a, _b, _c = make(track, "A", "B", "C")
    module_delete(module=a)
    assert titles(track) == [(1, "B"), (2, "C")]


# --- Prerequisites -------------------------------------------------------------------------------------------


def test_prerequisites_may_cross_tracks_and_are_recorded_in_history():
    basics = module_create(track=TrackFactory(), title="Containers", slug="containers")
    k8s = module_create(track=TrackFactory(), title="Kubernetes", slug="kubernetes", prerequisites=[basics])
    assert list(k8s.prerequisites.all()) == [basics]
    assert list(basics.required_by.all()) == [k8s]
    assert [row.to_module_id for row in k8s.history.first().prerequisites.all()] == [basics.pk]


def test_a_module_cannot_be_its_own_prerequisite():
    (module,) = make(TrackFactory(), "Kubernetes")
    with pytest.raises(ValidationError) as error:
        module_set_prerequisites(module=module, prerequisites=[module])
    assert error.value.message_dict == {"prerequisites": ["A module cannot be its own prerequisite."]}


def test_a_cycle_of_prerequisites_is_refused_naming_it():
    # given A needs B, and B needs C
    track = TrackFactory()
    a, b, c = make(track, "A", "B", "C")
    module_set_prerequisites(module=a, prerequisites=[b])
    module_set_prerequisites(module=b, prerequisites=[c])
    # when C is made to need A (or B to need A)
    with pytest.raises(ValidationError) as error:
        module_set_prerequisites(module=c, prerequisites=[a])
    # then the cycle is refused, named from the module being changed
    assert error.value.message_dict == {"prerequisites": ["Prerequisites would form a cycle: C → A → B → C."]}
    with pytest.raises(ValidationError) as error:
        module_update(module=b, data={"prerequisites": [a, c]})
    assert error.value.message_dict == {"prerequisites": ["Prerequisites would form a cycle: B → A → B."]}
    # and nothing changed
    assert not c.prerequisites.exists() and list(b.prerequisites.all()) == [c]


def test_a_diamond_is_not_a_cycle():
    a, b, c, d = make(TrackFactory(), "A", "B", "C", "D")
    module_set_prerequisites(module=b, prerequisites=[a])
    module_set_prerequisites(module=c, prerequisites=[a])
    module_set_prerequisites(module=d, prerequisites=[b, c])
    assert set(d.prerequisites.all()) == {b, c}


# --- Content -------------------------------------------------------------------------------------------------


def test_outcomes_hours_and_body_are_validated_naming_the_field():
    track = TrackFactory()
    cases = [
        ({"outcomes": ["Deploy a model", "  "]}, "outcomes"),
        ({"outcomes": "Deploy a model"}, "outcomes"),
        ({"hours": Decimal("0")}, "hours"),
        ({"hours": Decimal("201")}, "hours"),
        ({"body": "nul \x00"}, "body"),
    ]
    for fields, field in cases:
        with pytest.raises(ValidationError) as error:
            module_create(track=track, title="M", slug="m", **fields)
        assert field in error.value.message_dict, fields
    module = module_create(
        track=track, title="M", slug="m", outcomes=("Deploy a model",), hours=Decimal("7.5"), body="## Hi"
    )
    module.refresh_from_db()
    assert (module.outcomes, module.hours) == (["Deploy a model"], Decimal("7.5"))


def test_resources_exercises_and_questions_go_last_are_validated_and_recorded_in_history():
    module = ModuleFactory()
    first = module_item_save(item=Resource(module=module, title="Docs", url="https://example.org/", kind="book"))
    second = module_item_save(item=Resource(module=module, title="Video", url="http://example.org/v", kind="video"))
    assert (first.order, second.order) == (1, 2)
    assert first.free is True and first.history.count() == 1
    bad = [
        (Resource(module=module, title="X", url="javascript:alert(1)", kind="book"), "url"),
        (Resource(module=module, title="X", url="ftp://example.org/", kind="book"), "url"),
        (Resource(module=module, title="X", url="https://example.org/", kind="podcast"), "kind"),
        (Resource(module=module, title="X", url="https://example.org/", kind="book", minutes=0), "minutes"),
        (Exercise(module=module, title="E", brief="b", acceptance_criteria=[""]), "acceptance_criteria"),
        (Exercise(module=module, title="E", brief="b", hours=Decimal("-1")), "hours"),
        (SelfCheckQuestion(module=module, question="", answer="a"), "question"),
    ]
    for item, field in bad:
        with pytest.raises(ValidationError) as error:
            module_item_save(item=item)
        assert field in error.value.message_dict, item
    question = module_item_save(item=SelfCheckQuestion(module=module, question="Why?", answer="Because."))
    pk = question.pk
    module_item_delete(item=question)
    assert SelfCheckQuestion.history.filter(id=pk, history_type="-").exists()
