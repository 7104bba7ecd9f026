"""The Dutch vocabulary of the client-data guard: a trie with exactly the words of spaCy's
lemma tables and deduce's common words, read from the model folder when it was kept there."""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path

import pytest

from bot.privacy import lists
from bot.privacy.normalise import fold_word


def _plain_vocabulary() -> set[str]:
    """The same words the plain way: json.load of each table (what the trie's reader,
    which does not hold a table as Python objects, must agree with)."""
    words: set[str] = set()
    for table in lists._lemma_tables():
        with gzip.open(table, "rt", encoding="utf-8") as f:
            data = json.load(f)
        values = data.values()
        forms = [*data, *values] if isinstance(next(iter(values)), str) else []
        if not forms:  # the index: word class -> forms
            forms = [w for group in values for w in group]
        words.update(fold_word(w) for w in forms if w.isalpha())
    words.update(lists._folded(lists._deduce_list("whitelist/lst_common_word")))
    return words


def test_the_trie_holds_exactly_the_words_of_the_tables() -> None:
    plain = _plain_vocabulary()
    trie = lists._word_set(lists._dutch_word_forms())
    assert len(plain) > 300_000
    assert set(trie.keys()) == plain  # type: ignore[attr-defined]
    assert "noun" not in plain  # the index's word classes are not words
    assert "gezondheidsklachten" in trie or "gezondheid" in trie


def test_json_strings_reads_escapes() -> None:
    text = json.dumps({"caf\u00e9": 'a"b', "x": ["\u00e9t\\e"]}, ensure_ascii=True)
    path = Path(os.environ.get("TMPDIR", "/tmp")) / f"escapes-{os.getpid()}.json.gz"
    try:
        with gzip.open(path, "wt", encoding="utf-8") as f:
            f.write(text)
        assert list(lists._json_strings(path)) == ["caf\u00e9", 'a"b', "\u00e9t\\e"]
    finally:
        path.unlink(missing_ok=True)


def test_kept_in_the_model_folder_then_mapped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(lists, "_vocabulary_dir", None)
    lists.keep_vocabulary_in(tmp_path)
    built = lists._dutch_words()
    [kept] = tmp_path.glob("dutch_words-*.marisa")
    assert kept.stat().st_size > 100_000
    stamp = kept.stat().st_mtime_ns

    mapped = lists._dutch_words()  # the next start: read, not built again
    assert kept.stat().st_mtime_ns == stamp
    assert set(mapped.keys()) == set(built.keys())  # type: ignore[attr-defined]

    kept.write_bytes(b"not a trie")  # damaged: built again and written again
    again = lists._dutch_words()
    assert "werkgever" in again and len(again) == len(built)  # type: ignore[arg-type]
    assert kept.stat().st_size > 100_000


def test_an_old_version_is_removed_and_a_folder_that_cannot_be_written_is_no_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = tmp_path / lists.VOCABULARY.format(key="0000000000000000")
    old.write_bytes(b"from an earlier spacy-lookups-data")
    path = lists.save_vocabulary(tmp_path)
    assert path is not None and path.is_file() and not old.exists()

    blocked = tmp_path / "a-file"  # a folder that cannot be made (as root too)
    blocked.write_text("")
    folder = blocked / "model"
    monkeypatch.setattr(lists, "_vocabulary_dir", folder)
    assert lists.save_vocabulary(folder) is None
    assert "werkgever" in lists._dutch_words()  # built in memory, nothing written
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file", path.name]
