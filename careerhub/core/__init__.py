"""CareerHub's shared base: what every app builds on, and nothing that knows an app.

Editorial state and the write helpers of services, the one draft-visibility rule, the pieces
every FilterSet and API resource shares, charts and formatting, and the outbox the demand and
coverage engines drain. It imports no app (``segments``, ``postings``, ``curriculum``) and
nothing of the project shell around it; import-linter holds it to that (``pyproject.toml``).
"""
