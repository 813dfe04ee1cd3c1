"""Forms of the segment pages: which two segments to compare."""

from django import forms

from .selectors import segment_refs


class SegmentCompareForm(forms.Form):
    """Two different published segments, named by slug (``?a=big-tech&b=healthcare``)."""

    a = forms.ModelChoiceField(
        queryset=segment_refs(), to_field_name="slug", label="First segment",
        error_messages={
            "required": "Choose a first segment to compare.",
            "invalid_choice": "No published segment has that name: choose one from the list.",
        },
    )
    b = forms.ModelChoiceField(
        queryset=segment_refs(), to_field_name="slug", label="Second segment",
        error_messages={
            "required": "Choose a second segment to compare.",
            "invalid_choice": "No published segment has that name: choose one from the list.",
        },
    )

    def __init__(self, data=None, **kwargs):
        if data is not None:  # only the two parameters, each at most a slug long
            data = {name: data.get(name, "")[:200] for name in ("a", "b")}
        super().__init__(data, **kwargs)

    def clean(self):
        data = super().clean()
        if data.get("a") is not None and data.get("a") == data.get("b"):
            self.add_error("b", "Choose two different segments.")
        return data
