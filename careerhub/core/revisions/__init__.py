"""Revisions of editorial content: snapshots of an object (fields, many-to-many links, inline children)
saved by editors, reviewed, published now or at a time, compared and reverted.

The core knows no app: each app registers a ``RevisionAdapter`` for its models (``registry.register``),
saying which fields, links and inline children a snapshot holds and which of its services apply one.
See docs/decisions/0014-revisions-are-snapshots.md.
"""
