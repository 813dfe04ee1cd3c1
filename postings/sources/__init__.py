"""Job-board sources: employers' public job boards read on a schedule, their postings kept current.

A ``Source`` names one board (a Greenhouse board, a Lever site, an Ashby board, a careers page or
sitemap with schema.org ``JobPosting`` data, or a feed in CareerHub's import shape), the employer and
the segment its postings belong to. ``services.source_sync`` fetches it (``http``), reads the
provider's format (``kinds``, ``jsonld``) and writes every posting through the one posting write path,
``postings_import``, which also closes the postings the board no longer lists. Each sync leaves a
``SourceRun``. See ``docs/sources.md``.
"""
