"""Tables of new terms: candidates found in postings, and which postings mention each."""

from django.db import models
from django.db.models import Q


class NewTerm(models.Model):
    """A term postings use that matches no skill or alias, waiting for an editor's decision.

    ``key`` is the term folded as the matcher folds text, so "LangChain" and "langchain" are one term.
    A dismissed term stays, so that it is never queued again.
    """

    class Reason(models.TextChoices):
        PRODUCT = "product", "Product-like name"
        PHRASE = "phrase", "Recurring technical phrase"
        NEAR_MISS = "near_miss", "Near-miss of a known spelling"

    class Status(models.TextChoices):
        OPEN = "open", "Waiting for an editor"
        SKILL = "skill", "Added as a new skill"
        ALIAS = "alias", "Added as an alias"
        DISMISSED = "dismissed", "Dismissed for good"

    key = models.CharField(max_length=100, unique=True, editable=False)
    text = models.CharField(max_length=100, help_text="As postings write it; correct it before adding if needed.")
    reason = models.CharField(max_length=10, choices=Reason.choices)
    near_skill = models.ForeignKey(
        "postings.Skill", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        help_text="For a near-miss: the skill whose spelling it nearly is.",
    )  # fmt: skip
    examples = models.JSONField(default=list, blank=True, help_text="Sentences of postings that use it.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    # The editor's choices: the category of a new skill, or the skill it becomes an alias of.
    category = models.ForeignKey(
        "postings.SkillCategory", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        help_text="For 'Add as a new skill'.",
    )  # fmt: skip
    skill = models.ForeignKey(
        "postings.Skill", on_delete=models.SET_NULL, null=True, blank=True, related_name="new_terms",
        help_text="For 'Add as an alias': the skill it is another spelling of (the skill it became, once added).",
    )  # fmt: skip
    first_seen_at = models.DateTimeField(auto_now_add=True)
    last_seen_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.CharField(max_length=150, blank=True, editable=False)
    decided_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-last_seen_at", "key"]
        constraints = [
            models.CheckConstraint(condition=~Q(key=""), name="newterm_key_not_empty"),
            models.CheckConstraint(
                condition=Q(status__in=["open", "skill", "alias", "dismissed"]), name="newterm_status_valid"
            ),
        ]
        indexes = [models.Index(fields=["status", "key"], name="newterm_status_key")]

    def __str__(self) -> str:
        return self.text


class NewTermMention(models.Model):
    """One posting that uses a new term: counted per segment through the posting."""

    term = models.ForeignKey(NewTerm, on_delete=models.CASCADE, related_name="mentions")
    posting = models.ForeignKey("postings.Posting", on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["term", "posting"], name="newtermmention_unique")]
        indexes = [models.Index(fields=["posting"], name="newtermmention_posting")]

    def __str__(self) -> str:
        return f"{self.term_id} in {self.posting_id}"
