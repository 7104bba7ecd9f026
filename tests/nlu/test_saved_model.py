"""The model folder as `coach train` writes it: the pruned lemma table changes no feature."""

from __future__ import annotations

import json

from bot.knowledge import Knowledge
from bot.nlu import NLU
from bot.nlu import component as _component
from bot.nlu.data import load_training_data
from bot.nlu.engine import blank_pipeline
from bot.settings import PROJECT_ROOT


def test_pruned_lemmas_give_the_same_features_as_the_full_table(
    nlu: NLU, knowledge: Knowledge
) -> None:
    comp = nlu.nlp.get_pipe(_component.COMPONENT)
    assert isinstance(comp, _component.IntentComponent) and comp.model is not None
    model = comp.model
    saved = nlu.nlp.get_pipe("lemmatizer").lookups.get_table("lemma_lookup")
    full_nlp = blank_pipeline()  # the whole Dutch table from spacy-lookups-data
    full = full_nlp.get_pipe("lemmatizer").lookups.get_table("lemma_lookup")
    assert 0 < len(saved) < len(full) / 10

    data = load_training_data(PROJECT_ROOT / "nlu_data")
    eval_lines = (PROJECT_ROOT / "tests/data/eval.jsonl").read_text(encoding="utf-8").splitlines()
    texts = [text for text, _ in data.examples]
    texts += [json.loads(line)["text"] for line in eval_lines if line]
    texts += [item.text for item in knowledge.items]
    different_lemmas = 0
    for pruned_doc, full_doc in zip(nlu.nlp.pipe(texts), full_nlp.pipe(texts), strict=True):
        pruned = _component.doc_terms(pruned_doc, model.synonyms)
        whole = _component.doc_terms(full_doc, model.synonyms)
        different_lemmas += pruned[0] != whole[0]
        for features in (model.intent_features, model.item_features):
            a_index, a_values = features.vector(pruned)
            b_index, b_values = features.vector(whole)
            assert sorted(zip(a_index, a_values, strict=True)) == sorted(
                zip(b_index, b_values, strict=True)
            )
    assert different_lemmas > 0  # the check compared something the pruning changed
