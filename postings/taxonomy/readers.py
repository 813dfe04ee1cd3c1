"""Readers for the taxonomy files ``import_skills`` takes: each yields ``SkillRecord`` objects.

A reader reads the whole file before anything is written, so a malformed file is refused whole with
a message naming its line (``TaxonomyFileError``); nothing partial is imported.

Formats:

- ``onet``: O*NET Technology Skills TSV. Tool names become skills, UNSPSC commodity titles their
  categories, the Hot Technology and In Demand flags are kept, aliases are derived from product
  names ("Amazon Web Services AWS SageMaker" -> "AWS SageMaker", "SageMaker").
- ``esco``: the ESCO v1.1.1 CSV (plain or gzipped: preferred labels, alternative labels, skill-pillar
  levels) or the ESCO ICT JSON (``uri``, ``label``, ``altLabel[]``, ``skillType``).
- ``terms``: a JSON list of terms (the gazetteer's format), one skill per term.
- ``careerhub``: the ``careerhub-taxonomy`` JSON that ``export_skills`` writes and the seed uses.
"""

from __future__ import annotations

import ast
import csv
import gzip
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..models import SkillType

MAX_LABEL = 255
MAX_FILE_BYTES = 200 * 1024 * 1024  # the full ESCO CSV unpacked is about 15 MB
ESCO_SKILL_URI = "http://data.europa.eu/esco/skill/"
TAXONOMY_FORMAT = "careerhub-taxonomy"
FORMATS = ("onet", "esco", "terms", "careerhub")

# Vendor and family prefixes of O*NET product names; what follows is what postings usually write.
VENDOR_PREFIXES = (
    "Amazon Web Services",
    "AWS",
    "Amazon",
    "Microsoft Azure",
    "Microsoft",
    "Google Cloud",
    "Google",
    "Apache",
    "IBM",
    "Oracle",
    "Adobe",
    "Atlassian",
    "Red Hat",
    "SAP",
    "Salesforce",
    "Autodesk",
    "Cisco",
    "VMware",
    "Intuit",
    "Apple",
)
_VENDOR = re.compile(r"^(?:" + "|".join(re.escape(v) for v in VENDOR_PREFIXES) + r")\s+(.+)$")
# "Excel", "Project", "software": an ordinary word left alone needs context in a posting.
_PLAIN_WORD = re.compile(r"^[A-Za-z][a-z]+$")


class TaxonomyFileError(ValueError):
    """A taxonomy file that cannot be imported; the message names the line and the reason."""

    def __init__(self, path: Path | str, line: int | None, message: str):
        self.line = line
        where = f"{path}, line {line}" if line else str(path)
        super().__init__(f"{where}: {message}")


@dataclass
class AliasRecord:
    """An alias as a file gives it."""

    text: str
    case_sensitive: bool = False
    ambiguous: bool = False


@dataclass
class SkillRecord:
    """One skill as a file describes it, before it is matched against the taxonomy."""

    name: str
    line: int
    source: str
    type: str = SkillType.TOOL
    category: str = ""
    category_id: str = ""
    category_source: str = ""
    category_description: str = ""
    description: str = ""
    esco_uri: str = ""
    onet_code: str = ""
    onet_hot_technology: bool = False
    onet_in_demand: bool = False
    name_ambiguous: bool = False
    slug: str = ""
    aliases: list[AliasRecord] = field(default_factory=list)


def clean_label(path: Path | str, line: int, value: object, what: str) -> str:
    """A label stripped and checked: text, not empty, not oversized, no NUL or control characters."""
    if not isinstance(value, str):
        raise TaxonomyFileError(path, line, f"{what} must be text, not {type(value).__name__}.")
    text = " ".join(value.split())
    if not text:
        raise TaxonomyFileError(path, line, f"{what} is empty.")
    if len(text) > MAX_LABEL:
        raise TaxonomyFileError(path, line, f"{what} is {len(text)} characters long (at most {MAX_LABEL}).")
    if any(ord(char) < 32 for char in text):
        raise TaxonomyFileError(path, line, f"{what} contains a NUL or control character.")
    return text


def _read_text(path: Path) -> str:
    try:
        size = path.stat().st_size
    except OSError as error:
        raise TaxonomyFileError(path, None, f"cannot be read ({error.strerror}).") from error
    if size > MAX_FILE_BYTES:
        raise TaxonomyFileError(path, None, f"is {size} bytes; at most {MAX_FILE_BYTES} are accepted.")
    raw = path.read_bytes()
    if path.suffix == ".gz":
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError) as error:
            raise TaxonomyFileError(path, None, f"is not a valid gzip file ({error}).") from error
        if len(raw) > MAX_FILE_BYTES:
            raise TaxonomyFileError(path, None, f"unpacks to more than {MAX_FILE_BYTES} bytes.")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise TaxonomyFileError(path, line, f"is not UTF-8 (byte {raw[error.start]:#04x}).") from error


def _json(path: Path) -> object:
    try:
        return json.loads(_read_text(path))
    except json.JSONDecodeError as error:
        raise TaxonomyFileError(path, error.lineno, f"is not valid JSON ({error.msg}).") from error


def onet_aliases(name: str) -> list[AliasRecord]:
    """Shorter names postings use for an O*NET product: vendor prefixes removed one at a time."""
    aliases: list[AliasRecord] = []
    rest = name
    while match := _VENDOR.match(rest):
        rest = match.group(1).strip()
        if len(rest) < 2:
            break
        aliases.append(AliasRecord(rest, ambiguous=bool(_PLAIN_WORD.match(rest))))
    return aliases


def read_onet(path: Path) -> list[SkillRecord]:
    """O*NET Technology Skills: one record per tool name (its rows for many occupations folded into one)."""
    text = _read_text(path)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter="\t")
    header = next(reader, None)
    expected = ["Example", "Commodity Code", "Commodity Title", "Hot Technology", "In Demand"]
    if not header or any(column not in header for column in expected):
        raise TaxonomyFileError(path, 1, f"is not an O*NET Technology Skills file: the header needs {expected}.")
    index = {column: header.index(column) for column in expected}
    records: dict[str, SkillRecord] = {}
    for number, row in enumerate(reader, start=2):
        if not row or not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise TaxonomyFileError(path, number, f"has {len(row)} columns; the header has {len(header)}.")
        name = clean_label(path, number, row[index["Example"]], "Example (the tool name)")
        code = row[index["Commodity Code"]].strip()
        if not code.isdigit() or len(code) != 8:
            raise TaxonomyFileError(path, number, f"Commodity Code {code[:20]!r} is not an 8-digit UNSPSC code.")
        category = clean_label(path, number, row[index["Commodity Title"]], "Commodity Title")
        flags = {}
        for column in ("Hot Technology", "In Demand"):
            value = row[index[column]].strip().upper()
            if value not in ("Y", "N"):
                raise TaxonomyFileError(path, number, f"{column} must be Y or N, not {value[:10]!r}.")
            flags[column] = value == "Y"
        record = records.get(name.casefold())
        if record is None:
            record = records[name.casefold()] = SkillRecord(
                name=name,
                line=number,
                source="onet",
                category=category,
                category_id=code,
                onet_code=code,
                aliases=onet_aliases(name),
            )
        record.onet_hot_technology |= flags["Hot Technology"]
        record.onet_in_demand |= flags["In Demand"]
    return list(records.values())


# ESCO skill pillars: knowledge is what postings name as tools and technologies.
ESCO_TYPES = {"K": SkillType.TOOL, "S": SkillType.PRACTICE, "T": SkillType.SOFT_SKILL, "L": SkillType.SOFT_SKILL}


def read_esco(path: Path, *, only: str = "") -> list[SkillRecord]:
    """ESCO skills from the v1.1.1 CSV (``.csv`` or ``.csv.gz``) or the ICT JSON; ``only`` keeps one pillar branch."""
    if path.suffix == ".json":
        return _read_esco_json(path)
    text = _read_text(path)
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if header != ["id", "description", "hierarchy_levels", "type"]:
        raise TaxonomyFileError(path, 1, "is not an ESCO CSV: the header must be id,description,hierarchy_levels,type.")
    levels: dict[str, str] = {}
    records: dict[str, SkillRecord] = {}
    alternatives: list[tuple[int, str, str]] = []
    for number, row in enumerate(reader, start=2):
        if not row:
            continue
        uid, label, hierarchy, kind = _esco_row(path, number, row)
        if kind in ("level_2", "level_3"):
            levels[uid] = label
        elif kind == "altLabels":
            alternatives.append((number, uid, label))
        else:
            codes = _esco_codes(path, number, hierarchy)
            if not only or any(code.startswith(only) for code in codes):
                records[uid] = _esco_record(number, uid, label, codes)
    for _number, uid, label in alternatives:
        if uid in records and label.casefold() != records[uid].name.casefold():
            records[uid].aliases.append(AliasRecord(label))
    for record in records.values():
        # The category is the deepest named level of the skill's first branch ("S4.5" -> "managing ...").
        code = record.category
        while code and code not in levels:
            code = code.rpartition(".")[0]
        record.category = levels.get(code, "ESCO skills")
        record.category_id = code
    return list(records.values())


def _esco_row(path: Path, number: int, row: list[str]) -> tuple[str, str, str, str]:
    """One checked line of the ESCO CSV: id, label, hierarchy codes and type."""
    if len(row) != 4:
        raise TaxonomyFileError(path, number, f"has {len(row)} columns; 4 are expected.")
    uid, label, hierarchy, kind = (cell.strip() for cell in row)
    label = clean_label(path, number, label, "description (the label)")
    if kind in ("level_2", "level_3"):
        return uid, label, hierarchy, kind
    if kind not in ("preferredLabel", "altLabels"):
        raise TaxonomyFileError(path, number, f"type {kind[:30]!r} is not preferredLabel, altLabels or a level.")
    if not re.fullmatch(r"[0-9a-f-]{36}", uid):
        raise TaxonomyFileError(path, number, f"id {uid[:40]!r} is not an ESCO UUID.")
    return uid, label, hierarchy, kind


def _esco_record(number: int, uid: str, label: str, codes: list[str]) -> SkillRecord:
    """A preferred label's skill, filed under its first branch (the category is named once levels are read)."""
    first = codes[0] if codes else ""
    return SkillRecord(
        name=label,
        line=number,
        source="esco",
        type=ESCO_TYPES.get(first[:1], SkillType.PRACTICE),
        category=first,
        category_id=first,
        esco_uri=ESCO_SKILL_URI + uid,
    )


def _esco_codes(path: Path, number: int, hierarchy: str) -> list[str]:
    """The deepest code of each branch in ``[['S', 'S4', 'S4.5', 'S4.5.0'], ...]``."""
    if not hierarchy:
        return []
    try:
        branches = ast.literal_eval(hierarchy)
    except (ValueError, SyntaxError) as error:
        raise TaxonomyFileError(path, number, "hierarchy_levels is not a list of code lists.") from error
    if not isinstance(branches, list) or not all(isinstance(branch, list) for branch in branches):
        raise TaxonomyFileError(path, number, "hierarchy_levels is not a list of code lists.")
    codes = []
    for branch in branches:
        named = [code for code in branch if isinstance(code, str) and code]
        if named:
            codes.append(named[-1])
    return codes


def _read_esco_json(path: Path) -> list[SkillRecord]:
    data = _json(path)
    if not isinstance(data, list):
        raise TaxonomyFileError(path, 1, "must be a JSON list of ESCO skills.")
    records = []
    for number, item in enumerate(data, start=1):
        if not isinstance(item, dict) or "uri" not in item or "label" not in item:
            raise TaxonomyFileError(path, None, f"item {number} needs 'uri' and 'label'.")
        name = clean_label(path, None, item["label"], f"item {number} label")
        uri = clean_label(path, None, item["uri"], f"item {number} uri")
        alt = item.get("altLabel") or []
        if not isinstance(alt, list):
            raise TaxonomyFileError(path, None, f"item {number} altLabel must be a list.")
        aliases = []
        for label in alt:
            text = clean_label(path, None, label, f"item {number} altLabel")
            if text.casefold() != name.casefold():
                aliases.append(AliasRecord(text))
        knowledge = item.get("skillType") == "knowledge"
        records.append(
            SkillRecord(
                name=name,
                line=number,
                source="esco",
                type=SkillType.TOOL if knowledge else SkillType.PRACTICE,
                category="ICT knowledge" if knowledge else "ICT skills",
                description=str(item.get("description") or "")[:5000],
                esco_uri=uri,
                aliases=aliases,
            )
        )
    return records


def read_terms(path: Path) -> list[SkillRecord]:
    """A JSON list of terms: each term a skill of its own, unless it matches an existing one."""
    data = _json(path)
    if not isinstance(data, list):
        raise TaxonomyFileError(path, 1, "must be a JSON list of terms.")
    records: dict[str, SkillRecord] = {}
    for number, term in enumerate(data, start=1):
        name = clean_label(path, None, term, f"term {number}")
        records.setdefault(name.casefold(), SkillRecord(name=name, line=number, source="terms", category="Terms"))
    return list(records.values())


def read_careerhub(path: Path) -> list[SkillRecord]:
    """The ``careerhub-taxonomy`` JSON: categories, then skills with aliases and external ids."""
    data = _json(path)
    if not isinstance(data, dict) or data.get("format") != TAXONOMY_FORMAT:
        raise TaxonomyFileError(path, 1, f"is not a {TAXONOMY_FORMAT} file.")
    categories = {item.get("slug"): item for item in data.get("categories", []) if isinstance(item, dict)}
    skills = data.get("skills", [])
    return [_careerhub_skill(path, number, item, categories) for number, item in enumerate(skills, start=1)]


def _careerhub_skill(path: Path, number: int, item: Any, categories: dict) -> SkillRecord:
    """One skill of a ``careerhub-taxonomy`` file, checked."""
    if not isinstance(item, dict):
        raise TaxonomyFileError(path, None, f"skill {number} must be an object.")
    name = clean_label(path, None, item.get("name"), f"skill {number} name")
    kind = item.get("type", SkillType.TOOL)
    if kind not in SkillType.values:
        raise TaxonomyFileError(path, None, f"skill {number} type {kind!r} is not one of {SkillType.values}.")
    category = categories.get(item.get("category")) or {"name": str(item.get("category") or "")}
    return SkillRecord(
        name=name,
        line=number,
        source=str(item.get("source") or "curated")[:40],
        type=kind,
        category=str(category.get("name") or ""),
        category_id=str(category.get("external_id") or ""),
        category_source=str(category.get("source") or ""),
        category_description=str(category.get("description") or ""),
        slug=str(item.get("slug") or ""),
        description=str(item.get("description") or ""),
        esco_uri=str(item.get("esco_uri") or "")[:255],
        onet_code=str(item.get("onet_code") or "")[:20],
        onet_hot_technology=bool(item.get("onet_hot_technology", False)),
        onet_in_demand=bool(item.get("onet_in_demand", False)),
        name_ambiguous=bool(item.get("name_ambiguous", False)),
        aliases=[_careerhub_alias(path, number, alias) for alias in item.get("aliases", [])],
    )


def _careerhub_alias(path: Path, number: int, alias: Any) -> AliasRecord:
    if not isinstance(alias, dict):
        raise TaxonomyFileError(path, None, f"skill {number}: an alias must be an object.")
    return AliasRecord(
        clean_label(path, None, alias.get("text"), f"skill {number} alias"),
        case_sensitive=bool(alias.get("case_sensitive", False)),
        ambiguous=bool(alias.get("ambiguous", False)),
    )


def read_taxonomy(format: str, path: Path | str, *, only: str = "") -> list[SkillRecord]:  # noqa: A002 - the command's option
    """Read a taxonomy file of the given format into records (refused whole if any line is malformed)."""
    path = Path(path)
    if format == "onet":
        return read_onet(path)
    if format == "esco":
        return read_esco(path, only=only)
    if format == "terms":
        return read_terms(path)
    if format == "careerhub":
        return read_careerhub(path)
    raise ValueError(f"Unknown format {format!r}; expected one of {', '.join(FORMATS)}.")
