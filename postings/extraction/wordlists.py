"""Word lists the matcher uses for context."""

# Cue words (folded, with the spaces that make them whole words) that say an ambiguous alias
# nearby is a technology: "Go programming", "the R language", "Spark jobs".
CONTEXT_CUES = (
    " language ",
    " languages ",
    " programming ",
    " framework ",
    " frameworks ",
    " library ",
    " libraries ",
    " stack ",
    " tools ",
    " technologies ",
    " scripting ",
    " developer ",
    " developers ",
)

# Folded terms that appear in taxonomies but are rarely a technology on their own; they count only
# with context, like an ambiguous alias.
NOT_KNOWLEDGE: frozenset[str] = frozenset()
