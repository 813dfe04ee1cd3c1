"""The REST API's shared parts: the error format, permissions and the ``/api/v1/`` routes."""
