"""New terms: words postings use that look like skills but match nothing in the taxonomy, queued for editors.

After every import (a job-board sync is one), the postings it wrote are read for candidates
(``detect``): product-like names ("LangChain", "S3", "Node.js"), recurring technical phrases ("feature
store", "model registry") and near-misses of known spellings ("Kubernets"). Each candidate's mentions
are recorded per posting (``NewTermMention``), so its frequency per segment is a count, and re-reading a
posting never counts it twice. Editors add a term as a new skill or as an alias of one (the postings that
mention it are re-extracted), or dismiss it for good (``services``, the admin).
"""
