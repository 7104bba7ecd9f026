"""HTML escaping, splitting under 4,096 characters, and signed callback data."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.channels.telegram_format import CallbackSigner, split_message, to_html
from bot.core.replies import bold


def test_user_markup_is_escaped_and_ours_is_rendered() -> None:
    html = to_html(f"{bold('Titel')} <script> a_b *c* & d")
    assert html == "<b>Titel</b> &lt;script&gt; a_b *c* &amp; d"


def test_long_text_is_split_cleanly() -> None:
    text = bold("Kop") + "\n" + "\n\n".join(f"Alinea {i} " + "woord " * 150 for i in range(12))
    parts = split_message(text)
    assert len(parts) > 1
    assert all(len(p) <= 4096 for p in parts)
    assert all(p.count("<b>") == p.count("</b>") for p in parts)
    assert "".join(parts).replace("<b>", "").replace("</b>", "").count("Alinea") == 12


@given(st.text(min_size=0, max_size=12000))
def test_any_text_splits_into_valid_parts(text: str) -> None:
    for part in split_message(text):
        assert len(part) <= 4096


def test_callback_data_is_bound_to_the_user() -> None:
    signer = CallbackSigner("secret")
    data = signer.sign(42, "delete:yes")
    assert len(data.encode()) <= 64
    assert signer.verify(42, data) == "delete:yes"
    assert signer.verify(43, data) is None  # another user pressing a forwarded button
    assert signer.verify(42, "delete:yes|forged0000") is None
    assert signer.verify(42, "delete:yes") is None
    assert CallbackSigner("other").verify(42, data) is None
