"""The native prefilter (detect/prefilter.py) only skips detectors that could find nothing.

Gated detection (``registry.detect``) is compared with every detector run over every file: the
labelled corpus and the shared real samples through the real extractors, and generated texts
that put each vocabulary word, its traditional form, spaced or broken across lines, and each
number shape into prose. The gate of each detector is also checked to match every form its
detector finds, and without Hyperscan every detector runs.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Sequence
from pathlib import Path

import pytest

from secaudit.detect import prefilter
from secaudit.detect.registry import build_detectors, detect
from secaudit.detect.traditional import SIMPLIFIED, TRADITIONAL
from secaudit.detect.vocabulary import Vocabulary
from secaudit.extract.registry import extract_bytes
from secaudit.model import Finding, Location, TextChunk
from tests.corpus.generate import generate
from tests.detect.heldout_cases import card, credit_code, mobile, rid

DETECTORS = build_detectors()
TO_TRADITIONAL = dict(zip(SIMPLIFIED, TRADITIONAL, strict=True))


def traditional(word: str) -> str:
    return "".join(TO_TRADITIONAL.get(c, c) for c in word)


def ungated(chunks: Sequence[TextChunk]) -> list[Finding]:
    seen: set[Finding] = set()
    out: list[Finding] = []
    for det in DETECTORS:
        for f in det.analyze(chunks):
            if f not in seen:
                seen.add(f)
                out.append(f)
    return out


def body(*texts: str) -> list[TextChunk]:
    return [TextChunk(t, Location.BODY) for t in texts]


def test_hyperscan_is_in_use() -> None:
    assert prefilter.prefilter_for(DETECTORS) is not None, "hyperscan is a dependency"


def test_prose_without_any_gate_skips_every_gated_detector() -> None:
    prose = body("客户经理应当定期走访小微企业客户，了解其经营状况。发生额 49398156\n" * 300)
    assert prefilter.runnable(prose, DETECTORS) == []
    assert detect(prose, DETECTORS) == ungated(prose) == []


def test_each_gate_opens_for_its_own_content() -> None:
    ids = {
        "marking": body("正文\n内部资料 严禁外传"),
        "info_type": body(f"联系电话 {mobile(3)}"),
        "auth_info": body("查询密码：739155"),
    }
    for want, chunks in ids.items():
        assert {d.id for d in prefilter.runnable(chunks, DETECTORS)} == {want}


def test_level_words_in_every_form_open_the_marking_gate() -> None:
    vocab = Vocabulary.default()
    marking = next(d for d in DETECTORS if d.id == "marking")
    pf = prefilter.prefilter_for([marking])
    assert pf is not None
    for word, _level in vocab.all_words():
        forms = {
            word,
            traditional(word),
            " ".join(word),
            "\u3000".join(word),
            "\n".join(word),
            word.upper(),
            word.lower(),
        }
        for form in forms:
            assert pf.present([f"前文{form}后文"]) == {"marking"}, form


def test_number_shapes_open_the_info_gate() -> None:
    info = next(d for d in DETECTORS if d.id == "info_type")
    pf = prefilter.prefilter_for([info])
    assert pf is not None
    full = str.maketrans("0123456789", "０１２３４５６７８９")
    for value in (rid(7), card(11), mobile(5), credit_code(9), "6222 0212 3456 7890 128"):
        for form in (value, value.translate(full), f"客户{value}。"):
            assert pf.present([form]) == {"info_type"}, form
    assert pf.present(["金额 12345678 元，日期 2026-12-03"]) == set()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder: Path = tmp_path_factory.mktemp("corpus")
    generate(folder, step=2)
    return folder


def _compare(folder: Path) -> int:
    files = [p for p in sorted(folder.rglob("*")) if p.is_file()]
    compared = 0
    for path in files:
        chunks = extract_bytes(path.read_bytes(), path.name).chunks
        assert detect(chunks, DETECTORS) == ungated(chunks), path.name
        compared += 1
    return compared


def test_gated_equals_ungated_on_the_labelled_corpus(corpus: Path) -> None:
    assert _compare(corpus) >= 150


def test_gated_equals_ungated_on_the_shared_samples(samples: Path) -> None:
    assert _compare(samples) >= 50


def test_gated_equals_ungated_on_random_mixtures() -> None:
    rng = random.Random(20261203)
    words = [w for w, _ in Vocabulary.default().all_words()]
    pieces = [
        "本行",
        "此件",
        "（",
        "）",
        "：",
        "密级",
        "★",
        "5年",
        "\n",
        "\t",
        " ",
        "不得外传",
        "商业秘密",
        "交易密码：",
        "CVN2 ",
        "有效期 12/28",
        "短信验证码",
        "发生额 4939815",
        *words,
        *(traditional(w) for w in words),
    ]
    for i in range(600):
        numbers = [rid(i), card(i), mobile(i), credit_code(i), str(rng.randrange(10**8))]
        text = "".join(rng.choice(pieces + numbers) for _ in range(rng.randint(1, 40)))
        chunks = body(*text.split("\t")) if i % 3 == 0 else body(text)
        assert detect(chunks, DETECTORS) == ungated(chunks), repr(text)


def test_without_hyperscan_every_detector_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(prefilter, "_hs", None)
    prefilter._compiled.cache_clear()
    try:
        chunks = body("没有任何标志的正文")
        assert prefilter.runnable(chunks, DETECTORS) == list(DETECTORS)
    finally:
        prefilter._compiled.cache_clear()


def test_threads_scan_with_their_own_scratch() -> None:
    pf = prefilter.prefilter_for(DETECTORS)
    assert pf is not None
    texts = {
        "marking": "机密★10年\n" + "正文" * 5000,
        "info_type": "正文" * 5000 + mobile(1),
    }
    errors: list[str] = []

    def work(want: str, text: str) -> None:
        for _ in range(200):
            got = pf.present([text])
            if got != {want}:
                errors.append(f"{want}: {got}")

    threads = [threading.Thread(target=work, args=item) for item in texts.items() for _ in "ab"]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


def test_track_data_opens_the_c3_gate_in_any_width() -> None:
    auth = next(d for d in DETECTORS if d.id == "auth_info")
    pf = prefilter.prefilter_for([auth])
    assert pf is not None
    pan = card(4, prefix="622848", length=16)
    full = str.maketrans("0123456789D", "０１２３４５６７８９Ｄ")
    for track in (f";{pan}=2812101000000", f"%B{pan}^ZHANG/SAN^2812101", f"{pan}D2812101000000"):
        for form in (track, track.translate(full)):
            assert pf.present([f"磁道：{form}"]) == {"auth_info"}, form
    assert pf.present(["余额 = 12,000.00 元", "版本 v2"]) == set()


def test_each_native_gate_matches_wherever_the_detectors_own_python_gate_does() -> None:
    """Random strings over the characters the gates turn on (case variants IGNORECASE allows
    included): wherever a detector's own ``re`` gate matches, the native gate opens too."""
    from secaudit.detect.authinfo import _GATE
    from secaudit.detect.numbercandidates import RAW_QUICK

    marking = next(d for d in DETECTORS if d.id == "marking")
    own = {
        "marking": marking.grammar.hit_re,
        "info_type": RAW_QUICK,
        "auth_info": _GATE,
    }
    words = "".join({c for w, _ in Vocabulary.default().all_words() for c in w})
    alphabet = (
        words
        + "码碼口令验驗证證安全PINpinİıCVNvncidOTPotp=^DdＤｄ"
        + "0123456789０１２３４５６７８９ -－\u3000ABCXYＡＢ"
    )
    rng = random.Random(2612)
    for det in DETECTORS:
        pf = prefilter.prefilter_for([det])
        assert pf is not None
        opened = 0
        for _ in range(4000):
            text = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 24)))
            if det.id == "info_type" and rng.random() < 0.5:
                text = "".join(rng.choice("0123456789０１２ -") for _ in range(rng.randint(8, 24)))
            if own[det.id].search(text):
                opened += 1
                assert pf.present([text]) == {det.id}, (det.id, text)
        assert opened > 10, det.id
    for form in ("PİN：739155", "pın=739155", "CİD 123"):
        assert prefilter.prefilter_for(DETECTORS).present([form]) >= {"auth_info"}, form  # type: ignore[union-attr]
