"""Benchmark: the skill extractor over realistic postings, against a bare Aho-Corasick scan of the same texts.

Builds the full taxonomy from the files it ships with and the reference data in ../shared/data (the
curated seed, the O*NET Technology Skills, the ESCO ICT skills and the skill gazetteer: 40,000+ terms),
builds postings of about 2,000 characters from real job-posting sentences (SkillSpan), then times:

- building the extractor's automaton (target: under 2 s of CPU time);
- ``Matcher.find`` over every posting, what ingestion calls (target: at least 5,000 postings/s on one core);
- a bare pyahocorasick scan of the same lower-cased texts over the same terms, in the same run (target:
  the extractor within 2x of it).

Times are CPU times of this process (``time.process_time``), best of ``--repeat`` runs, so other work on
a shared machine does not count. Prints its figures; the last line is one JSON object of them.

    .venv/bin/python bench/extraction.py [--postings 10000] [--repeat 3] [--digest]

``--digest`` also prints a digest of every match ``find_all`` returns over the postings (skill, offsets,
text): a change made for speed must leave it as it was.
"""

import argparse
import gc
import hashlib
import json
import os
import random
import resource
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "careerhub.settings.base")

import ahocorasick  # noqa: E402
import django  # noqa: E402

django.setup()

from postings.extraction import Matcher, Term, lexicon_load  # noqa: E402
from postings.extraction.text import fold  # noqa: E402
from postings.taxonomy.readers import read_careerhub, read_esco, read_onet, read_terms  # noqa: E402

DATA = ROOT.parent / "shared" / "data"
SOURCES = {
    "seed": (read_careerhub, ROOT / "postings" / "seed" / "taxonomy.json"),
    "onet": (read_onet, DATA / "onet_29_2" / "technology_skills.tsv"),
    "esco": (read_esco, DATA / "esco_ict" / "esco_ict_skills.json"),
    "gazetteer": (read_terms, DATA / "skill_extractor_gazetteer" / "skills.json"),
}
SENTENCES = [DATA / "skillspan" / "train.json", DATA / "skillspan" / "dev.json"]
POSTING_CHARS = 2000


def taxonomy_terms() -> list[Term]:
    """Every name and alias of the full taxonomy as matcher terms, one skill id per record."""
    terms: list[Term] = []
    skill_id = 0
    for name, (read, path) in SOURCES.items():
        if not path.is_file():
            sys.exit(f"{path} is missing: the benchmark needs the reference data in ../shared/data ({name}).")
        for record in read(path):
            skill_id += 1
            source = "curated" if name == "seed" else record.source
            terms.append(Term(skill_id, record.name, ambiguous=record.name_ambiguous, source=source))
            terms += [
                Term(skill_id, a.text, case_sensitive=a.case_sensitive, ambiguous=a.ambiguous, source=source)
                for a in record.aliases
            ]
    return terms


def postings(count: int, seed: int = 7) -> list[str]:
    """Postings of about 2,000 characters, each a random run of real job-posting sentences."""
    sentences = []
    for path in SENTENCES:
        if not path.is_file():
            sys.exit(f"{path} is missing: the benchmark builds postings from SkillSpan sentences.")
        for line in path.read_text(encoding="utf-8").splitlines():
            tokens = json.loads(line)["tokens"]
            if len(tokens) > 3:
                sentences.append(" ".join(tokens))
    rng = random.Random(seed)
    texts = []
    for _ in range(count):
        parts, size = [], 0
        while size < POSTING_CHARS:
            sentence = rng.choice(sentences)
            parts.append(sentence)
            size += len(sentence) + 1
        texts.append(" ".join(parts)[:POSTING_CHARS])
    return texts


def matches_digest(matcher: Matcher, texts: list[str]) -> str:
    """A digest of every match over the texts, in order: equal digests, equal output."""
    digest = hashlib.sha256()
    for text in texts:
        digest.update(repr(matcher.find_all(text)).encode() + b"\n")
    return digest.hexdigest()[:16]


def best_of(repeat: int, run) -> float:
    """The best CPU time of ``repeat`` runs: one core's time, not inflated by other work on a shared machine."""
    times = []
    for _ in range(repeat):
        gc.collect()
        start = time.process_time()
        run()
        times.append(time.process_time() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--postings", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3, help="Timed runs of each scan; the best is kept.")
    parser.add_argument("--digest", action="store_true", help="Also print a digest of every match found.")
    args = parser.parse_args()

    terms = taxonomy_terms()
    lexicon = lexicon_load()
    texts = postings(args.postings)
    print(f"{len(terms)} terms; {len(texts)} postings of about {sum(map(len, texts)) // len(texts)} characters")

    start = time.process_time()
    matcher = Matcher(terms, lexicon=lexicon)
    build_s = time.process_time() - start
    print(f"extractor automaton: {len(matcher)} keys built in {build_s:.2f} s")

    # The bare scan: the same terms lower-cased in one automaton, texts lower-cased, every hit listed.
    start = time.process_time()
    bare = ahocorasick.Automaton()
    for index, term in enumerate(terms):
        bare.add_word(term.text.lower(), index)
    bare.make_automaton()
    bare_build_s = time.process_time() - start

    def extract():
        for text in texts:
            matcher.find(text)

    def scan():
        for text in texts:
            list(bare.iter(text.lower()))

    extractor_s = best_of(args.repeat, extract)
    bare_s = best_of(args.repeat, scan)
    found = sum(len(matcher.find(text)) for text in texts[:1000]) / min(len(texts), 1000)
    rate = len(texts) / extractor_s
    bare_rate = len(texts) / bare_s
    ratio = extractor_s / bare_s
    print(f"extractor: {rate:,.0f} postings/s ({found:.1f} skills per posting)")
    print(f"bare scan: {bare_rate:,.0f} postings/s (automaton built in {bare_build_s:.2f} s)")
    print(f"extractor / bare scan time: {ratio:.2f}x")
    if args.digest:
        print(f"matches digest: {matches_digest(matcher, texts)} (find_all over every posting)")

    tracemalloc.start()
    Matcher(terms, lexicon=lexicon)
    _, build_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"memory: automaton build peak {build_peak / 2**20:.0f} MiB (traced); process peak RSS {peak_rss_mb:.0f} MiB")
    # The machine is shared: the load says how far the absolute rates can be trusted (the ratio travels).
    load = os.getloadavg()
    print(f"load average: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")

    figures = {
        "terms": len(terms),
        "keys": len(matcher),
        "postings": len(texts),
        "posting_chars": POSTING_CHARS,
        "build_s": round(build_s, 3),
        "extractor_postings_per_s": round(rate),
        "bare_postings_per_s": round(bare_rate),
        "ratio_vs_bare": round(ratio, 2),
        "skills_per_posting": round(found, 1),
        "build_peak_mib": round(build_peak / 2**20, 1),
        "peak_rss_mib": round(peak_rss_mb),
        "load_avg_1m": round(load[0], 2),
        "targets_met": rate >= 5000 and ratio <= 2 and build_s < 2,
    }
    print(json.dumps(figures))


if __name__ == "__main__":
    fold("warm")  # import-time work done before timing
    main()
