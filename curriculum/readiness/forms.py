"""The readiness page's forms: skills ticked (or in the URL), a pasted text, a target segment, modules done.

Checked by ``inputs`` as the API checks them. A refused text is never shown again: the form comes back
with an empty text box and a message about its size or characters, never its words.
"""

from django import forms
from django.core.exceptions import ValidationError

from .inputs import MAX_MODULES, MAX_SKILLS, MAX_TEXT_BYTES, InputProblem, checked_list, split_values, text_problem


class ValueListField(forms.Field):
    """Values sent as repeated parameters (ticked boxes), comma-separated (``?skills=a,b``) or both."""

    widget = forms.MultipleHiddenInput

    def __init__(self, *, limit: int, noun: str, **kwargs):
        super().__init__(required=False, **kwargs)
        self.limit, self.noun = limit, noun

    def to_python(self, value) -> list[str]:
        values = split_values(value or [])
        try:
            return checked_list(values, field="", limit=self.limit, noun=self.noun)
        except InputProblem as problem:
            raise ValidationError(problem.message) from None


class PastedTextField(forms.CharField):
    """A pasted text, checked by ``inputs.text_problem`` alone (its messages never quote the text)."""

    def __init__(self, **kwargs):
        super().__init__(required=False, strip=False, widget=forms.Textarea, **kwargs)
        self.validators = []  # Django's null-character check would add a second message for the same problem

    def validate(self, value: str) -> None:
        super().validate(value)
        if problem := text_problem(value):
            raise ValidationError(problem)


class LearnerListsForm(forms.Form):
    """The learner's skills and modules done, as the readiness page's URL carries them."""

    skills = ValueListField(limit=MAX_SKILLS, noun="skills", label="Skills")
    done = ValueListField(limit=MAX_MODULES, noun="modules marked done", label="Modules done")


class ReadinessForm(LearnerListsForm):
    """What the page's form (POST) and its URL (GET) carry."""

    text = PastedTextField(label="Paste a CV, a profile or a list of projects")
    segment = forms.SlugField(required=False, max_length=80, label="Target segment")

    def __init__(self, data=None, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["text"].help_text = f"Up to {MAX_TEXT_BYTES // 1024} KB of plain text."

    def params(self) -> dict:
        """The cleaned values as ``services.readiness_answer`` takes them."""
        data = self.cleaned_data
        return {
            "skills": data["skills"], "text": data["text"], "done": data["done"], "segment": data["segment"] or None
        }


class JobAdForm(LearnerListsForm):
    """A pasted job ad, with the learner's skills and modules done from the readiness page's URL."""

    text = PastedTextField(label="Paste a job ad")

    def clean_text(self) -> str:
        text = self.cleaned_data["text"]
        if not text.strip():
            raise ValidationError("Paste the text of a job ad.")
        return text
