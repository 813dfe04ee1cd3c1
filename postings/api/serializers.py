"""How postings look in the API. Writes do not use a serializer: they go through ``postings_import``."""

from rest_framework import serializers

from ..models import Posting, PostingSkill


class PostingSkillSerializer(serializers.ModelSerializer):
    """A skill the posting asks for, and the words in the text that show it."""

    slug = serializers.CharField(source="skill.slug")
    name = serializers.CharField(source="skill.name")

    class Meta:
        model = PostingSkill
        fields = ("slug", "name", "state", "matched_text", "start", "end")


class PostingSerializer(serializers.ModelSerializer):
    employer = serializers.CharField(source="employer.name")
    segment = serializers.CharField(source="segment.slug")
    skills = PostingSkillSerializer(source="posting_skills", many=True)

    class Meta:
        model = Posting
        fields = (
            "id",
            "external_id",
            "source",
            "title",
            "employer",
            "segment",
            "posted_on",
            "location",
            "url",
            "description",
            "duplicate_of",
            "skills",
        )
        read_only_fields = fields
