"""Exact and near-duplicate postings.

Exact duplicates (same employer, title and text once case and spacing are normalised) share a
``content_hash`` and are linked to the first posting as they are imported, so demand never counts
one ad twice. Near-duplicates (a reposted ad with small edits) are found afterwards, per employer,
with MinHash sketches and banding, and left for an editor to merge or dismiss.
"""

import hashlib
import re
import zlib
from collections import defaultdict
from collections.abc import Iterable

SHINGLE_WORDS = 5
SKETCH_BINS = 32  # one-permutation MinHash: the smallest hash in each of 32 bins
BANDS = 8  # 8 bands of 4 bins: pairs with Jaccard 0.8 collide in some band with probability > 0.99
NEAR_DUPLICATE_JACCARD = 0.8
# A new posting is scored against at most this many of the latest postings sharing each of its
# bands: an ad reposted many times still pairs with a recent copy, and a burst of near-identical
# texts costs linear time instead of quadratic.
CANDIDATES_PER_BAND = 50
WORD = re.compile(r"\w+")


def content_hash(employer_id: int, title: str, description: str) -> str:
    """The fingerprint exact duplicates share: employer, title and text, case and spacing ignored."""
    normalised = f"{employer_id}\x1f{' '.join(title.casefold().split())}\x1f{' '.join(description.casefold().split())}"
    return hashlib.sha1(normalised.encode("utf-8"), usedforsecurity=False).hexdigest()


def shingles(text: str) -> set[int]:
    """Hashes of the text's overlapping five-word sequences."""
    words = WORD.findall(text.casefold())
    if len(words) < SHINGLE_WORDS:
        return {zlib.crc32(" ".join(words).encode())}
    return {zlib.crc32(" ".join(words[i : i + SHINGLE_WORDS]).encode()) for i in range(len(words) - SHINGLE_WORDS + 1)}


def sketch(hashes: set[int]) -> tuple[int, ...]:
    """A one-permutation MinHash sketch: equal bins estimate the Jaccard similarity of two texts."""
    bins = [0xFFFFFFFF] * SKETCH_BINS
    for value in hashes:
        slot = value % SKETCH_BINS
        if value < bins[slot]:
            bins[slot] = value
    return tuple(bins)


def jaccard(a: set[int], b: set[int]) -> float:
    return len(a & b) / len(a | b) if a or b else 1.0


def near_duplicate_pairs(postings: Iterable[tuple[int, str]], *, new_from_id: int) -> list[tuple[int, int, float]]:
    """``(later id, earlier id, similarity)`` for near-identical texts among one employer's postings.

    ``postings`` are ``(id, text)`` in id order; only pairs whose later posting has an id of at
    least ``new_from_id`` are reported, each later posting paired with its most similar earlier one.
    """
    buckets: dict[tuple[int, tuple[int, ...]], list[int]] = defaultdict(list)
    texts: dict[int, set[int]] = {}
    pairs = []
    rows = SKETCH_BINS // BANDS
    for posting_id, text in postings:
        hashes = shingles(text)
        texts[posting_id] = hashes
        bands = [(band, sketch_bins) for band, sketch_bins in _bands(sketch(hashes), rows)]
        if posting_id >= new_from_id:
            candidates = {other for key in bands for other in buckets.get(key, ())[-CANDIDATES_PER_BAND:]}
            scored = [(jaccard(hashes, texts[other]), other) for other in candidates]
            best = max(scored, default=None)
            if best and best[0] >= NEAR_DUPLICATE_JACCARD:
                pairs.append((posting_id, best[1], round(best[0], 4)))
        for key in bands:
            buckets[key].append(posting_id)
    return pairs


def _bands(values: tuple[int, ...], rows: int):
    for band in range(BANDS):
        yield band, values[band * rows : (band + 1) * rows]
