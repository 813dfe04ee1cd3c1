"""The segments endpoints of the API."""
