"""The OpenAPI schema: drf-spectacular's, with CareerHub's error answers and the ``fields`` parameter documented."""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers


class ApiErrorItemSerializer(serializers.Serializer):
    field = serializers.CharField(help_text='The offending field, or "-" for the request as a whole.')
    message = serializers.CharField()
    row = serializers.IntegerField(required=False, help_text="The item of a batch, from 1.")


class ApiErrorSerializer(serializers.Serializer):
    """Every 4xx answer of the API."""

    detail = serializers.CharField()
    errors = ApiErrorItemSerializer(many=True)


class CareerHubAutoSchema(AutoSchema):
    """Adds the error answers every operation can give, and ``fields`` to the reads that support it."""

    def get_override_parameters(self):
        parameters = super().get_override_parameters()
        if self.method == "PATCH":
            parameters.append(
                OpenApiParameter(
                    "If-Match",
                    str,
                    location=OpenApiParameter.HEADER,
                    description=(
                        "The ETag of the object as read: the change is written only while the object is still at "
                        "that version (412 otherwise). `*` matches any version."
                    ),
                )
            )
        if self.method == "GET" and getattr(self.view, "supports_fields", False):
            parameters.append(
                OpenApiParameter(
                    "fields",
                    str,
                    description="Comma-separated names of the fields to return (the others are left out).",
                )
            )
        return parameters

    def get_request_serializer(self):
        write_serializer = getattr(self.view, "write_serializer_class", None)
        if write_serializer is not None and self.method in {"POST", "PATCH"}:
            return write_serializer
        return super().get_request_serializer()

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        codes = {"400": "Invalid parameters or body: see errors.", "404": "Not found.", "429": "Too many requests."}
        if self.method != "GET":
            codes |= {
                "401": "Authentication needed (a token).",
                "403": "The user lacks the permission (or, for postings, may not write the source named).",
                "413": "The body is too large: at most 2 MiB, 16 MiB for a batch of postings.",
                "409": (
                    "The change was based on a stale `version` (the answer names the current one and what changed), "
                    "or other requests kept writing the same rows at the same moment; nothing was written."
                ),
                "503": "The database failed during the write; it was not confirmed. Send it again.",
            }
        if self.method == "PATCH":
            codes["412"] = "`If-Match` names another version than the current one; nothing was written."
            codes["403"] = (
                "The user lacks the permission. Changing the fields of a published track, module or skill also "
                "needs the publishing permission: an editor's change to live content is a draft revision, made "
                "in the admin and published after review."
            )
        else:
            codes |= {"401": "The credentials sent are invalid."}
        for code, description in codes.items():
            if code not in responses:
                responses[code] = self._get_response_for_code(ApiErrorSerializer, code, direction=direction)
                responses[code]["description"] = description
        if self.method == "GET":
            responses.setdefault("304", {"description": "Not modified (the ETag sent still matches)."})
        return responses
