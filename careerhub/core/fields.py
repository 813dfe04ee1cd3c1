"""Model and form fields shared by the apps."""

from django import forms
from django.core.exceptions import ValidationError
from django.db import models

MAX_LIST_ITEMS = 50
MAX_ITEM_LENGTH = 300


def validate_string_list(value: object) -> None:
    if not isinstance(value, list):
        raise ValidationError("Enter a list of items.", code="invalid")
    if len(value) > MAX_LIST_ITEMS:
        raise ValidationError(f"At most {MAX_LIST_ITEMS} items.", code="max_items")
    for position, item in enumerate(value, start=1):
        if not isinstance(item, str) or not item.strip():
            raise ValidationError(f"Item {position} must be non-empty text.", code="invalid_item")
        if len(item) > MAX_ITEM_LENGTH:
            raise ValidationError(f"Item {position} is longer than {MAX_ITEM_LENGTH} characters.", code="item_too_long")
        if "\x00" in item:
            raise ValidationError(f"Item {position} contains a NUL character.", code="null_characters_not_allowed")


def as_list(value: object) -> object:
    """A list from a list or tuple; anything else is returned as it is, for validation to refuse."""
    return list(value) if isinstance(value, list | tuple) else value


class LineListFormField(forms.CharField):
    """Edits a list of short texts as a textarea, one item per line."""

    widget = forms.Textarea(attrs={"rows": 4, "cols": 80})

    def prepare_value(self, value: object) -> object:
        if isinstance(value, list):
            return "\n".join(str(item) for item in value)
        return value

    def to_python(self, value: object) -> list[str]:
        text = super().to_python(value)
        return [line.strip() for line in text.splitlines() if line.strip()]

    def validate(self, value: list[str]) -> None:
        if self.required and not value:
            raise ValidationError(self.error_messages["required"], code="required")

    def has_changed(self, initial: object, data: object) -> bool:
        return self.to_python(self.prepare_value(initial) or "") != self.to_python(data or "")


class StringListField(models.JSONField):
    """A list of short texts stored as JSON (``["Kubernetes", "CI/CD"]``)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("default", list)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def validate(self, value: object, model_instance: models.Model) -> None:
        # Before JSONField's own check, whose message ("valid JSON") would not tell an editor what is wrong.
        validate_string_list(value)
        super().validate(value, model_instance)

    def formfield(self, **kwargs):
        # Skip JSONField.formfield: editors get one item per line, not raw JSON.
        return models.Field.formfield(self, **{"form_class": LineListFormField, **kwargs})
