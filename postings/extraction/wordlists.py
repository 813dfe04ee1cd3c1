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

# Folded words that, right after a mention, make it a job title or a team's name ("DevOps engineer",
# "Java developers", "our data team"): a role, not a requirement, so the mention is not counted.
ROLE_NOUNS: frozenset[str] = frozenset(
    {
        "engineer",
        "engineers",
        "developer",
        "developers",
        "manager",
        "managers",
        "architect",
        "architects",
        "administrator",
        "administrators",
        "specialist",
        "specialists",
        "consultant",
        "consultants",
        "team",
        "teams",
        "department",
        "recruiter",
        "recruiters",
    }
)
