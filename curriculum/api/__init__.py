"""The tracks and modules endpoints of the API."""
