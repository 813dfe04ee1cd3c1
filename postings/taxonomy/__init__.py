"""Taxonomy tooling: read O*NET, ESCO and term-list files, import them into the skills, export them back."""
