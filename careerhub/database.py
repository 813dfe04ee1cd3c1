"""The database sessions of the web processes: pages read a few rows, never whole tables in parallel, and
compile no query to machine code."""


def serial_plans(sender, connection, **kwargs) -> None:
    """Turn off parallel query plans in a new PostgreSQL session (a ``connection_created`` receiver).

    A page reads a few dozen rows, mostly the first of an index in date order (``LIMIT 21``). PostgreSQL
    plans some of these reads in parallel (a Gather Merge of workers), and then each worker walks its
    own part of the index ahead of what the page needs: with 1,000,000 postings a filtered postings page
    scanned 13,000 postings in 224 ms where one process scans 574 in 17 ms, and the workers take the
    cores other requests are waiting for. ``careerhub.wsgi`` connects it, so the web processes have it;
    the Celery workers' recomputes, which read whole tables, keep their parallel plans.

    JIT compilation is off for the same reason: PostgreSQL compiles a query whose *estimated* cost passes
    ``jit_above_cost``, and a page query can carry a costly branch it never runs (the site search's
    fallback over every matching posting, a one-time filter skips it): with 1,000,000 postings the search
    for "kubernetes" spent 65 to 700 ms compiling for a 12 ms read. The recomputes keep JIT.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET max_parallel_workers_per_gather = 0")
            cursor.execute("SET jit = off")
