"""Read Rasa 3 NLU YAML training data (intents, retrieval intents, synonyms)."""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml

_KIND = re.compile(r"[a-z][a-z_]{1,30}")
_ENTITY = re.compile(r"\[([^\]]+)\]\((?:[^)]+)\)|\[([^\]]+)\]\{[^}]*\}")


class TrainingDataError(Exception):
    """Training data that cannot be used; the message names the file and the entry."""


@dataclass
class TrainingData:
    examples: list[tuple[str, str]] = field(default_factory=list)  # (text, label)
    synonyms: dict[str, str] = field(default_factory=dict)  # variant -> canonical
    sources: dict[str, str] = field(default_factory=dict)  # label -> file

    @property
    def labels(self) -> list[str]:
        return sorted({label for _, label in self.examples})

    def counts(self) -> Counter[str]:
        return Counter(label for _, label in self.examples)


def strip_entities(text: str) -> str:
    """Rasa's `[value](entity)` annotations become their plain value."""
    return _ENTITY.sub(lambda m: m.group(1) or m.group(2), text)


def _example_lines(block: object, where: str) -> list[str]:
    if not isinstance(block, str):
        raise TrainingDataError(f"{where}: 'examples' must be a '|' block of '- ' lines")
    lines = []
    for raw in block.splitlines():
        line = raw.strip()
        if not line:
            continue
        if not line.startswith("- "):
            raise TrainingDataError(f"{where}: example line must start with '- ': {line[:40]!r}")
        lines.append(strip_entities(line[2:].strip()))
    return lines


def _with_kind(label: str, metadata: object, where: str) -> str:
    """`out_of_scope` with `metadata: {kind: income}` trains as the label `out_of_scope/income`.

    The kind says what sort of question it is (issue 12), so the reply can say where to go;
    Rasa itself sees one `out_of_scope` intent with metadata, which it ignores.
    """
    if metadata is None:
        return label
    if not isinstance(metadata, dict):
        raise TrainingDataError(f"{where}: 'metadata' must be a mapping")
    kind = metadata.get("kind")
    if kind is None:
        return label
    if label != "out_of_scope":
        raise TrainingDataError(f"{where}: only out_of_scope takes a 'kind' in its metadata")
    if not isinstance(kind, str) or not _KIND.fullmatch(kind):
        raise TrainingDataError(f"{where}: kind must be a lower-case word, got {kind!r}")
    return f"{label}/{kind}"


def load_training_data(directory: Path) -> TrainingData:
    """Read every *.yml file in the folder; fail with file and entry on malformed data."""
    data = TrainingData()
    files = sorted(directory.glob("*.yml"))
    if not files:
        raise TrainingDataError(f"{directory}: no *.yml training files")
    for path in files:
        try:
            doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:
            raise TrainingDataError(f"{path}: not valid YAML: {exc}") from exc
        for index, entry in enumerate(doc.get("nlu") or []):
            where = f"{path}: entry {index + 1}"
            if not isinstance(entry, dict):
                raise TrainingDataError(f"{where}: expected a mapping")
            if "intent" in entry:
                label = str(entry["intent"])
                where = f"{path}: intent '{label}'"
                label = _with_kind(label, entry.get("metadata"), where)
                data.sources.setdefault(label, str(path))  # Rasa allows an intent in several files
                data.examples.extend(
                    (text, label) for text in _example_lines(entry.get("examples"), where)
                )
            elif "synonym" in entry:
                canonical = str(entry["synonym"])
                for variant in _example_lines(
                    entry.get("examples"), f"{path}: synonym '{canonical}'"
                ):
                    data.synonyms[variant.lower()] = canonical.lower()
            elif "lookup" in entry or "regex" in entry:
                continue
            else:
                raise TrainingDataError(
                    f"{where}: expected 'intent', 'synonym', 'lookup' or 'regex'"
                )
    return data


def fingerprint(*directories: Path, extra: str = "") -> str:
    """A hash of the data files, so a model knows when it is stale."""
    digest = hashlib.sha256(extra.encode())
    for directory in directories:
        for path in sorted(directory.glob("*.y*ml")):
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]
