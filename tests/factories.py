"""factory_boy factories for tests. They save through the models; services are tested on their own."""

import datetime

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from careerhub.core.editorial import Status
from curriculum.models import Exercise, Level, Module, Resource, SelfCheckQuestion, Track
from postings.models import Employer, Posting, Skill, SkillAlias, SkillCategory
from segments.models import Segment


class PublishedMixin(factory.django.DjangoModelFactory):
    status = Status.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)

    class Meta:
        abstract = True


class SegmentFactory(PublishedMixin):
    name = factory.Sequence(lambda n: f"Segment {n}")
    slug = factory.Sequence(lambda n: f"segment-{n}")
    summary = "Employers that hire for platform work."
    optimises_for = "Leverage."
    looks_for = factory.LazyFunction(lambda: ["Kubernetes", "CI/CD"])

    class Meta:
        model = Segment


class SkillCategoryFactory(factory.django.DjangoModelFactory):
    name = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.Sequence(lambda n: f"category-{n}")

    class Meta:
        model = SkillCategory


class SkillFactory(PublishedMixin):
    name = factory.Sequence(lambda n: f"Skill {n}")
    slug = factory.Sequence(lambda n: f"skill-{n}")
    category = factory.SubFactory(SkillCategoryFactory)

    class Meta:
        model = Skill


class SkillAliasFactory(factory.django.DjangoModelFactory):
    skill = factory.SubFactory(SkillFactory)
    text = factory.Sequence(lambda n: f"alias {n}")

    class Meta:
        model = SkillAlias


class EmployerFactory(factory.django.DjangoModelFactory):
    name = factory.Sequence(lambda n: f"Employer {n}")
    slug = factory.Sequence(lambda n: f"employer-{n}")

    class Meta:
        model = Employer


class PostingFactory(PublishedMixin):
    employer = factory.SubFactory(EmployerFactory)
    segment = factory.SubFactory(SegmentFactory)
    title = factory.Sequence(lambda n: f"MLOps Engineer {n}")
    description = "Own CI/CD pipelines for training and inference on Kubernetes."
    posted_on = datetime.date(2026, 10, 1)
    source = "test"
    external_id = factory.Sequence(lambda n: f"ext-{n}")

    class Meta:
        model = Posting


class TrackFactory(PublishedMixin):
    title = factory.Sequence(lambda n: f"Track {n}")
    slug = factory.Sequence(lambda n: f"track-{n}")
    level = Level.ENGINEER
    summary = "A track."

    class Meta:
        model = Track


class ModuleFactory(PublishedMixin):
    track = factory.SubFactory(TrackFactory)
    order = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Module {n}")
    slug = factory.Sequence(lambda n: f"module-{n}")

    class Meta:
        model = Module


class ResourceFactory(factory.django.DjangoModelFactory):
    module = factory.SubFactory(ModuleFactory)
    order = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Resource {n}")
    url = factory.Sequence(lambda n: f"https://docs.example.org/page-{n}/")
    kind = "documentation"
    minutes = 30

    class Meta:
        model = Resource


class ExerciseFactory(factory.django.DjangoModelFactory):
    module = factory.SubFactory(ModuleFactory)
    order = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Exercise {n}")
    brief = "Build it."
    acceptance_criteria = factory.LazyFunction(lambda: ["It runs", "It is tested"])

    class Meta:
        model = Exercise


class SelfCheckQuestionFactory(factory.django.DjangoModelFactory):
    module = factory.SubFactory(ModuleFactory)
    order = factory.Sequence(lambda n: n + 1)
    question = factory.Sequence(lambda n: f"Question {n}?")
    answer = "Because."

    class Meta:
        model = SelfCheckQuestion


class UserFactory(factory.django.DjangoModelFactory):
    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery staple")

    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    @factory.post_generation
    def save_password(self, create, extracted, **kwargs):
        if create:
            self.save()


def make_editor(**kwargs):
    """A staff user in the editors' group, as an editor account is set up in production."""
    user = UserFactory(is_staff=True, **kwargs)
    user.groups.add(Group.objects.get(name="Editors"))
    return user


def make_publisher(**kwargs):
    """An editor who is also in the publishers' group: may publish, send back and schedule revisions."""
    user = make_editor(**kwargs)
    user.groups.add(Group.objects.get(name="Publishers"))
    return user
