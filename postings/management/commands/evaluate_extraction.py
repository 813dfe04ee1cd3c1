import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from postings.extraction import LEXICON_FILE, Lexicon, build_matcher, invalidate, lexicon_load
from postings.extraction.evaluation import SkillSpanError, cross_validate, evaluate, lexicon_learn, read_skillspan


class Command(BaseCommand):
    help = (
        "Measure the skill extractor, with the taxonomy in the database, on SkillSpan job-posting sentences "
        "(--format skillspan, JSON lines with tokens and tags_knowledge): precision, recall and F1 for strict "
        "(exact span) and loose (overlapping span) matching against the gold knowledge spans, printed as one "
        "JSON object. With --learn, first learn the extractor's lexicon (stop-list, heads, modifiers, phrases, "
        "unseen classes) from PATH (use the training split only) and write it to the lexicon file; then score a split "
        "it has not seen. With --cross-validate, learn on part of PATH's postings and score the rest, fold by fold, "
        "and print the pooled figures with the errors by kind (how to choose settings without the scoring split)."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="A SkillSpan JSON-lines file (train.json or dev.json).")
        parser.add_argument("--format", dest="fmt", choices=["skillspan"], default="skillspan")
        parser.add_argument("--source", choices=["tech", "house"], help="Only sentences from this source.")
        parser.add_argument("--learn", action="store_true", help="Learn the lexicon from PATH and write it.")
        parser.add_argument(
            "--cross-validate",
            dest="cross_validated",
            action="store_true",
            help="Cross-validate lexicon learning within PATH (the training split); writes nothing.",
        )
        parser.add_argument(
            "--lexicon",
            type=Path,
            default=LEXICON_FILE,
            help="The lexicon file --learn writes, or the one scored (default: the one the extractor uses).",
        )
        parser.add_argument("--no-lexicon", action="store_true", help="Score the bare matcher, without the lexicon.")

    def handle(self, *args, path, fmt, source, learn, lexicon, no_lexicon, cross_validated, **options):
        if learn and cross_validated:
            raise CommandError("--learn and --cross-validate do not go together.")
        if not Path(path).is_file():
            raise CommandError(f"{path}: no such file (SkillSpan lives in ../shared/data/skillspan/).")
        try:
            # Cross-validation learns from every source and scores only the one asked for.
            sentences = read_skillspan(path, source=None if cross_validated else source)
        except SkillSpanError as error:
            raise CommandError(str(error)) from error
        invalidate()
        matcher = build_matcher(lexicon=Lexicon() if no_lexicon or learn or cross_validated else lexicon_load(lexicon))
        result = {"path": str(path), "source": source or "all", "terms": len(matcher)}
        if cross_validated:
            result["cross_validated"] = True
            result.update(cross_validate(matcher, sentences, source=source))
            self.stdout.write(json.dumps(result))
            return
        if learn:
            learned = lexicon_learn(matcher, sentences)
            lexicon.write_text(
                json.dumps(
                    {
                        "learned_from": Path(path).name,
                        "stop": sorted(learned.stop),
                        "heads": sorted(learned.heads),
                        "unseen_drop": sorted(learned.unseen_drop),
                        "seen": sorted(learned.seen),
                        "modifiers": sorted(learned.modifiers),
                        "phrases": sorted(learned.phrases),
                    },
                    indent=0,
                    ensure_ascii=False,
                )
                + "\n",
                encoding="utf-8",
            )
            self.stderr.write(
                f"{len(learned.stop)} stop terms, {len(learned.heads)} head nouns, {len(learned.modifiers)} modifiers, "
                f"{len(learned.phrases)} phrases written to {lexicon}."
            )
            matcher = matcher.with_lexicon(learned)
            result["learned"] = True
        result.update(evaluate(matcher, sentences))
        self.stdout.write(json.dumps(result))
