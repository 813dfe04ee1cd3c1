"""A synthetic, clearly labelled set of postings so a fresh CareerHub has demand figures to show.

Every demo posting has the source ``demo`` and a fictional employer whose name ends in "(demo)".
The skill mix per segment follows the seed analysis (``../shared/seeds/``): what each segment
looks for, the recurring requirements and tooling, with trends (LLM work rising, Jenkins fading)
and random variation. Rows go through the same import path as real postings.
"""

import datetime
import random
from collections.abc import Iterator

from django.utils import timezone

DEMO_SOURCE = "demo"
MONTHS = 24

# Skill -> chance a posting of the segment asks for it, and the change of that chance per year.
COMMON = {
    "Python": (0.8, 0),
    "Kubernetes": (0.55, 0.05),
    "Docker": (0.45, 0),
    "CI/CD": (0.5, 0.03),
    "Terraform": (0.35, 0.04),
    "AWS": (0.4, 0),
    "MLflow": (0.3, 0.03),
    "Machine learning": (0.4, 0),
    "Model monitoring": (0.3, 0.05),
    "Git": (0.3, 0),
    "SQL": (0.3, 0),
    "Jenkins": (0.15, -0.06),
    "LLMOps": (0.08, 0.14),
    "Retrieval-augmented generation": (0.05, 0.12),
    "Vector databases": (0.04, 0.1),
    "Communication skills": (0.35, 0),
    "Prometheus": (0.2, 0.02),
    "Grafana": (0.18, 0.02),
}
SEGMENTS = {
    "big-tech": {
        "titles": [
            "ML Platform Engineer",
            "Senior MLOps Engineer",
            "Staff Engineer, ML Infrastructure",
            "Software Engineer, Model Serving",
            "Platform Engineer, AI",
        ],
        "employers": ["Northwind Cloud", "Skyline Streaming", "Helix Marketplaces", "Quanta Data Platforms"],
        "skills": {
            "Distributed systems": (0.45, 0),
            "API design": (0.3, 0),
            "Go": (0.3, 0.02),
            "Model serving": (0.45, 0.04),
            "Feature store": (0.25, 0.02),
            "Ray": (0.15, 0.06),
            "Kubeflow": (0.2, -0.02),
            "GPU optimization": (0.15, 0.08),
            "vLLM": (0.03, 0.1),
            "Software testing": (0.35, 0),
            "On-call operations": (0.3, 0),
            "GitOps": (0.25, 0.04),
            "ArgoCD": (0.2, 0.04),
            "Apache Kafka": (0.25, 0),
            "A/B testing": (0.25, 0),
        },
    },
    "financial-services": {
        "titles": [
            "MLOps Engineer, Model Risk",
            "Senior ML Engineer, Payments",
            "ML Platform Engineer, Trading",
            "Lead Engineer, AI Governance",
        ],
        "employers": ["Harbor Trust Bank", "Meridian Payments", "Ledgerline Capital", "Cobalt Insurance"],
        "skills": {
            "SOX compliance": (0.3, 0),
            "SOC 2": (0.25, 0.02),
            "Model risk management": (0.4, 0.03),
            "Audit trails": (0.35, 0.02),
            "Incident response": (0.35, 0),
            "Access control": (0.3, 0),
            "Least-privilege design": (0.2, 0.02),
            "Data lineage": (0.3, 0.04),
            "Model governance": (0.35, 0.05),
            "Secrets management": (0.2, 0),
            "Java": (0.25, -0.02),
            "Change control": (0.2, 0),
            "Datadog": (0.2, 0.02),
            "Policy as code": (0.1, 0.05),
            "Responsible AI": (0.1, 0.06),
        },
    },
    "healthcare": {
        "titles": [
            "MLOps Engineer, Clinical AI",
            "Machine Learning Engineer, Genomics",
            "Data & ML Platform Engineer",
            "Senior MLOps Engineer, Life Sciences",
        ],
        "employers": ["Cedar Health System", "Aster Biotech", "Lumen Diagnostics", "Willow Life Sciences"],
        "skills": {
            "HIPAA": (0.4, 0),
            "Data governance": (0.35, 0.02),
            "Data privacy": (0.35, 0.02),
            "Reproducibility": (0.35, 0.02),
            "Experiment tracking": (0.35, 0.03),
            "DVC": (0.15, 0.02),
            "Data validation": (0.3, 0.03),
            "GxP compliance": (0.15, 0),
            "Apache Airflow": (0.3, 0),
            "Weights & Biases": (0.15, 0.04),
            "R": (0.15, -0.02),
            "Technical documentation": (0.3, 0),
            "Cross-functional collaboration": (0.35, 0),
            "PyTorch": (0.25, 0.03),
        },
    },
    "enterprise": {
        "titles": [
            "MLOps Engineer",
            "ML Engineer, Internal AI Platform",
            "Data Platform Engineer, AI",
            "Senior MLOps Engineer, Retail Analytics",
        ],
        "employers": ["Granite Retail Group", "Bluewater Logistics", "Orbit Manufacturing", "Paragon Media"],
        "skills": {
            "Snowflake": (0.35, 0.03),
            "Databricks": (0.35, 0.04),
            "Stakeholder management": (0.4, 0),
            "Technical documentation": (0.3, 0),
            "Microsoft Azure": (0.35, 0.02),
            "Azure DevOps": (0.2, 0),
            "dbt": (0.2, 0.04),
            "Apache Spark": (0.3, -0.01),
            "Hybrid & multi-cloud": (0.2, 0.02),
            "Cost optimization": (0.2, 0.03),
            "Azure OpenAI Service": (0.03, 0.1),
            "Platform engineering": (0.2, 0.03),
        },
    },
}
OPENINGS = [
    "{employer} is hiring a {title} to join a team that runs machine learning in production.",
    "As a {title} at {employer}, you will make model delivery safe, repeatable and fast.",
    "{employer} is looking for a {title} who enjoys building the systems other engineers rely on.",
]
SENTENCES = [
    "You will work with {a} and {b} every day.",
    "Hands-on experience with {a} is required; {b} is a plus.",
    "You have shipped production systems using {a}.",
    "Our stack includes {a}, {b} and a lot of automation.",
    "Experience with {a} and {b} in a regulated or high-scale environment.",
    "You will own {a} for our model teams and improve how we use {b}.",
    "Bonus points for {a}.",
]
CLOSINGS = [
    "We offer a hybrid office, a learning budget and a team that writes things down.",
    "This role reports to the head of ML platform and works closely with data scientists and SRE.",
    "You will mentor engineers and help define our engineering standards.",
]
LOCATIONS = ["London", "New York", "Remote (US)", "Berlin", "Toronto", "Remote (EU)", "Austin", "Dublin"]


def demo_rows(count: int, *, seed: int = 2026, today: datetime.date | None = None) -> Iterator[dict]:
    """``count`` demo posting rows in the import shape, the same rows for the same seed and month."""
    rng = random.Random(seed)
    # Anchored to the month, so loading again within a month changes nothing.
    today = (today or timezone.localdate()).replace(day=1)
    slugs = list(SEGMENTS)
    for n in range(count):
        slug = slugs[n % len(slugs)]
        profile = SEGMENTS[slug]
        # Volume grows over time: later months get more postings.
        age_days = int(MONTHS * 30.4 * (1 - rng.random() ** 0.8))
        posted_on = today - datetime.timedelta(days=age_days)
        years_ago = age_days / 365
        skills = [
            name
            for name, (chance, per_year) in (COMMON | profile["skills"]).items()
            if rng.random() < max(0.01, min(0.95, chance - per_year * years_ago))
        ]
        rng.shuffle(skills)
        title, employer = rng.choice(profile["titles"]), f"{rng.choice(profile['employers'])} (demo)"
        lines = [rng.choice(OPENINGS).format(employer=employer, title=title)]
        for i in range(0, len(skills), 2):
            pair = skills[i : i + 2]
            lines.append(
                rng.choice(SENTENCES).format(a=pair[0], b=pair[-1] if len(pair) > 1 else "good engineering habits")
            )
        lines.append(rng.choice(CLOSINGS))
        yield {
            "external_id": f"demo-{seed}-{n}",
            "title": title,
            "employer": employer,
            "segment": slug,
            "posted_on": posted_on.isoformat(),
            "description": " ".join(lines),
            "location": rng.choice(LOCATIONS),
        }
