"""Measure the client-data guard on the labelled corpus, and its speed.

    python bench/privacy_detection.py [--eval | --dev] [--deduce] [--misses]

Corpora: ``--dev`` (default) is tests/data/privacy_corpus.jsonl, the corpus the guard
was tuned on; ``--eval`` is bench/data/privacy_eval.jsonl, written before the guard of
issue 14 was tuned and never tuned on (403 sentences: names from 12+ countries of
origin, V-nummers, combinations without a name, numbers, clean sentences). The guard
runs as configured by default (word lists, no deduce); ``--deduce`` adds deduce.
Per kind it prints, over the sentences of the corpus:

* recall: of the sentences that contain that kind, the share where it was found;
* precision: of the sentences where it was found, the share that contain it;
* false-alarm rate: of the sentences that do not contain that kind, the share where
  it was found anyway.

"clean" sentences (no client data at all) get their own false-alarm rate: the share
where anything at all was found. Throughput is measured on about 100,000 characters
of corpus text, after the word lists (and deduce) have been loaded: the first scan, in
which most words are new to the guard, and the median wall-clock and CPU time of five more.
"""

from __future__ import annotations

import json
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bot.privacy.guard import KINDS, ClientDataGuard  # noqa: E402
from bot.privacy.lists import word_lists  # noqa: E402
from bot.privacy.normalise import fold  # noqa: E402
from bot.privacy.statement import MEASURED  # noqa: E402

CORPUS = ROOT / "tests" / "data" / "privacy_corpus.jsonl"
EVAL_CORPUS = ROOT / "bench" / "data" / "privacy_eval.jsonl"


def load_corpus(path: Path = CORPUS) -> list[dict]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            rows.append(json.loads(line))
    return rows


@dataclass
class KindStats:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    negatives: int = 0  # sentences that do not contain the kind

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def false_alarm_rate(self) -> float:
        return self.fp / self.negatives if self.negatives else 0.0


@dataclass
class Evaluation:
    per_kind: dict[str, KindStats] = field(default_factory=lambda: {k: KindStats() for k in KINDS})
    clean: int = 0
    clean_flagged: int = 0
    misses: list[tuple[str, list[str], list[str]]] = field(default_factory=list)

    @property
    def recall(self) -> float:
        tp = sum(s.tp for s in self.per_kind.values())
        fn = sum(s.fn for s in self.per_kind.values())
        return tp / (tp + fn) if tp + fn else 1.0

    @property
    def precision(self) -> float:
        tp = sum(s.tp for s in self.per_kind.values())
        fp = sum(s.fp for s in self.per_kind.values())
        return tp / (tp + fp) if tp + fp else 1.0

    @property
    def false_alarm_rate(self) -> float:
        """Share of clean sentences in which anything was flagged."""
        return self.clean_flagged / self.clean if self.clean else 0.0


def evaluate(guard: ClientDataGuard, rows: list[dict]) -> Evaluation:
    ev = Evaluation()
    for row in rows:
        expected = set(row["expect"])
        found = set(guard.scan(row["text"]).kind_codes())
        for kind in KINDS:
            st = ev.per_kind[kind]
            if kind not in expected:
                st.negatives += 1
            if kind in expected and kind in found:
                st.tp += 1
            elif kind in expected:
                st.fn += 1
            elif kind in found:
                st.fp += 1
        if not expected:
            ev.clean += 1
            ev.clean_flagged += bool(found)
        if expected != found:
            ev.misses.append((row["text"], sorted(expected), sorted(found)))
    return ev


@dataclass
class Throughput:
    chars: int
    first: float  # seconds, the first scan of the text (words not seen before)
    wall: list[float]  # seconds, the scans after it
    cpu: list[float]  # seconds of CPU time of this thread, the same scans

    @staticmethod
    def median(xs: list[float]) -> float:
        return sorted(xs)[len(xs) // 2]


def throughput(
    guard: ClientDataGuard, rows: list[dict], size: int = 100_000, runs: int = 5
) -> Throughput:
    """Time scans of ``size`` characters of corpus text: the first one, in which most words
    are new to the guard's per-word cache, and ``runs`` more. Wall-clock time depends on
    what else the machine runs; CPU time much less."""
    block = " ".join(r["text"] for r in rows)
    text = (block + " ") * (size // (len(block) + 1) + 1)
    text = text[:size]
    guard.scan("Mijn klant Ahmed uit Zwolle, 06-12345678.")  # load the word lists
    word_lists().cache.clear()  # forget the words of the corpus sentences scanned before
    fold.cache_clear()
    t0 = time.perf_counter()
    guard.scan(text)
    first = time.perf_counter() - t0
    wall, cpu = [], []
    for _ in range(runs):
        t0, c0 = time.perf_counter(), time.thread_time()
        guard.scan(text)
        wall.append(time.perf_counter() - t0)
        cpu.append(time.thread_time() - c0)
    return Throughput(len(text), first, wall, cpu)


def main(argv: list[str]) -> int:
    use_deduce = "--deduce" in argv
    corpus = EVAL_CORPUS if "--eval" in argv else CORPUS
    rows = load_corpus(corpus)
    t0 = time.perf_counter()
    guard = ClientDataGuard(use_deduce=use_deduce)
    guard.scan("Mijn klant Ahmed.")
    load = time.perf_counter() - t0
    ev = evaluate(guard, rows)
    clean = sum(1 for r in rows if not r["expect"])
    print(
        f"corpus: {corpus.relative_to(ROOT)}: {len(rows)} sentences, {clean} clean; "
        f"deduce {'on' if use_deduce else 'off'}"
        f" (first scan incl. loading: {load:.1f} s)"
    )
    print(f"{'kind':<22}{'support':>8}{'recall':>9}{'precision':>11}{'false alarms':>14}")
    for kind, st in ev.per_kind.items():
        support = st.tp + st.fn
        print(
            f"{kind:<22}{support:>8}{st.recall:>9.3f}{st.precision:>11.3f}"
            f"{st.false_alarm_rate:>14.3f}"
        )
    print(f"{'all kinds':<22}{'':>8}{ev.recall:>9.3f}{ev.precision:>11.3f}")
    print(
        f"clean sentences flagged: {ev.clean_flagged}/{ev.clean} "
        f"(false-alarm rate {ev.false_alarm_rate:.3f})"
    )
    groups = sorted({r.get("group", "") for r in rows} - {""})
    for g in groups:
        grp = [r for r in rows if r.get("group") == g]
        if g == "clean":
            continue
        hit = sum(bool(set(r["expect"]) & set(guard.scan(r["text"]).kind_codes())) for r in grp)
        print(f"group {g:<12} {hit}/{len(grp)} sentences caught ({hit / len(grp):.3f})")
    # deduce takes about 17 s per scan of 100,000 characters: one timed scan after the first
    speed = throughput(guard, rows, runs=1 if use_deduce else 5)
    if "--save" in argv and corpus == EVAL_CORPUS and not use_deduce:
        # the figures /privacy and the docs quote (bot/privacy/statement.py)
        numbers = [k for k in KINDS if k not in ("NAAM", "COMBINATIE")]
        tp = sum(ev.per_kind[k].tp for k in numbers)
        fn = sum(ev.per_kind[k].fn for k in numbers)
        saved = {
            "corpus": str(corpus.relative_to(ROOT)),
            "sentences": len(rows),
            "names": round(ev.per_kind["NAAM"].recall, 3),
            "numbers": round(tp / (tp + fn), 3) if tp + fn else 1.0,
            "combinations": round(ev.per_kind["COMBINATIE"].recall, 3),
            "clean_false_alarms": round(ev.false_alarm_rate, 3),
        }
        MEASURED.write_text(json.dumps(saved, indent=2) + "\n", encoding="utf-8")
        print(f"saved {MEASURED.relative_to(ROOT)}")
    wall, cpu = Throughput.median(speed.wall), Throughput.median(speed.cpu)
    print(
        f"throughput: {speed.chars} chars in {wall * 1000:.0f} ms "
        f"(median of {len(speed.wall)} scans; CPU {cpu * 1000:.0f} ms; "
        f"{speed.chars / wall / 1e6:.2f} M chars/s); first scan {speed.first * 1000:.0f} ms"
    )
    if "--misses" in argv:
        # Corpus sentences are invented; printing them is fine. Never do this with real text.
        for text, exp, got in ev.misses:
            print(f"  expected {exp} got {got}: {text}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
