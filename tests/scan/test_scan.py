"""The scan pipeline end to end through the library API: contract JSON, limits, cache, ledger."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from secaudit.config import load_config
from secaudit.context import ScanContext
from secaudit.ledger import Ledger
from secaudit.model import Channel, HostRole
from secaudit.policy import load_policy
from secaudit.scan.scanner import Scanner

FILE_KEYS = {"path", "size", "sha256", "format", "classification", "findings", "errors"}
TOP_KEYS = {"schema", "tool", "started", "finished", "channel", "host", "policy", "files",
            "violations", "summary"}


def _id_number(seq: int) -> str:
    body = f"11010119900307{seq:03d}"
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11]


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "tree"
    root.mkdir()
    notice = "机密★10年\n关于二〇二四年信贷计划的通知\n正文。"
    (root / "通知.txt").write_text(notice, encoding="utf-8")
    (root / "gbk.txt").write_bytes("秘密★5年\n会议纪要\n".encode("gb18030"))
    ids = "\n".join(f"客户{i} 身份证号码 {_id_number(i)}" for i in range(12))
    (root / "客户名单.txt").write_text(ids, encoding="utf-8")
    (root / "培训.txt").write_text("各单位要保守国家秘密，不得泄露商业秘密。", encoding="utf-8")
    return root


def _scanner(home: Path, **kw: object) -> Scanner:
    cfg = load_config(home)
    return Scanner(cfg, load_policy(), workers=2, **kw)  # type: ignore[arg-type]


def test_json_contract_and_classification(tree: Path, home: Path) -> None:
    with _scanner(home) as sc:
        run = sc.scan([tree], ScanContext(channel=Channel.LOCAL, host_role=HostRole.INTRANET))
    doc = run.to_json()
    assert set(doc) == TOP_KEYS
    assert doc["schema"] == "secaudit.scan/1"
    by_name = {Path(f["path"]).name: f for f in doc["files"]}
    assert set(by_name) == {"通知.txt", "gbk.txt", "客户名单.txt"}  # prose about secrecy: no hit
    for f in doc["files"]:
        assert set(f) == FILE_KEYS
        assert len(f["sha256"]) == 64
    assert by_name["通知.txt"]["classification"] == "secret"
    assert by_name["gbk.txt"]["classification"] == "confidential"
    assert by_name["客户名单.txt"]["classification"] == "none"
    info = [x for x in by_name["客户名单.txt"]["findings"] if x["kind"] == "info_type"]
    assert info[0]["type"] == "cn_resident_id" and info[0]["count"] == 12
    assert _id_number(3) not in json.dumps(doc, ensure_ascii=False)
    assert doc["summary"]["files_scanned"] == 4
    assert doc["summary"]["files_with_findings"] == 3


def test_hostile_and_unreadable_files_become_error_records(
    tree: Path, home: Path, samples: Path
) -> None:
    for name in ("zipbomb_zbsm_42KB_to_5GB.zip", "pdf_encrypted_rc4_40.pdf", "zip_slip.zip"):
        shutil.copy(samples / name, tree / name)
    (tree / "<img src=x onerror=alert(1)>.txt").write_text("内部资料\n", encoding="utf-8")
    with _scanner(home) as sc:
        run = sc.scan([tree], ScanContext())
    by_name = {Path(r.path).name: r for r in run.results}
    assert {e.reason.value for e in by_name["zipbomb_zbsm_42KB_to_5GB.zip"].errors} == {"limit"}
    assert {e.reason.value for e in by_name["pdf_encrypted_rc4_40.pdf"].errors} == {"encrypted"}
    assert by_name["通知.txt"].classification.value == "secret"  # the scan went on
    assert run.summary["errors"] >= 2


def _slow_text(path: Path) -> None:
    """~120 MB of text every detector must read line by line (a level word and a number
    candidate on each line): seconds of work, where plain prose is skipped in one native pass."""
    path.write_text(("内部控制检查，编号12345678901。" * 24 + "\n") * 110000, encoding="utf-8")


def test_per_file_timeout_kills_worker_and_scan_goes_on(tree: Path, home: Path) -> None:
    # 1 s: the 130 MB file needs several, a small one a few ms even on a loaded machine
    (home / "config.toml").write_text("[scan]\nfile_timeout = 1.0\n", encoding="utf-8")
    big = tree / "big.txt"
    _slow_text(big)
    with _scanner(home, use_cache=False) as sc:
        run = sc.scan([tree], ScanContext())
    by_name = {Path(r.path).name: r for r in run.results}
    assert [e.reason.value for e in by_name["big.txt"].errors] == ["timeout"]
    assert by_name["通知.txt"].classification.value == "secret", by_name["通知.txt"]


def test_files_queued_behind_a_timed_out_file_are_still_read(tree: Path, home: Path) -> None:
    """Workers get their next batch before they finish the current one: when a file times out,
    the files queued behind it on that worker go to its replacement, none is lost."""
    (home / "config.toml").write_text("[scan]\nfile_timeout = 1.0\n", encoding="utf-8")
    _slow_text(tree / "a_big.txt")
    for i in range(150):
        (tree / f"b{i:03d}.txt").write_text(f"秘密★1年\n第{i}号通知", encoding="utf-8")
    with Scanner(load_config(home), load_policy(), workers=1, use_cache=False) as sc:
        run = sc.scan([tree], ScanContext())
    by_name = {Path(r.path).name: r for r in run.results}
    assert [e.reason.value for e in by_name["a_big.txt"].errors] == ["timeout"]
    small = [by_name[f"b{i:03d}.txt"] for i in range(150)]
    assert all(r.classification.value == "confidential" and not r.errors for r in small)


def test_too_large_file_reported_and_its_name_still_checked(tree: Path, home: Path) -> None:
    (home / "config.toml").write_text("[scan]\nmax_file_size_mb = 1\n", encoding="utf-8")
    big = tree / "（机密）2024年信贷计划.txt"
    big.write_bytes(b"x" * (2 * 1024 * 1024))
    with _scanner(home) as sc:
        run = sc.scan([big], ScanContext())
    (res,) = run.results
    assert [e.reason.value for e in res.errors] == ["too_large"]
    assert res.classification.value == "secret"


def test_unchanged_rescan_uses_cache_and_changes_are_seen(tree: Path, home: Path) -> None:
    with _scanner(home) as sc:
        first = sc.scan([tree], ScanContext())
        second = sc.scan([tree], ScanContext())
        assert first.cached_files == 0
        assert second.cached_files == 4
        assert [r.to_json() for r in sorted(first.results, key=lambda r: r.path)] == [
            r.to_json() for r in sorted(second.results, key=lambda r: r.path)
        ]
        (tree / "培训.txt").write_text("绝密★长期\n作战计划", encoding="utf-8")
        third = sc.scan([tree], ScanContext())
    assert third.cached_files == 3
    changed = {Path(r.path).name: r for r in third.results}["培训.txt"]
    assert changed.classification.value == "top_secret"


def test_scan_records_chain_of_events_in_ledger(tree: Path, home: Path) -> None:
    ledger = Ledger(home / "ledger.db")
    ctx = ScanContext(channel=Channel.INTERNET_HOST, host_role=HostRole.INTERNET)
    with _scanner(home, ledger=ledger) as sc:
        run = sc.scan([tree], ctx)
    kinds = [e.kind for e in ledger.events()]
    assert kinds[0] == "scan_started" and kinds[-1] == "scan_finished"
    assert kinds.count("finding") == 3
    assert kinds.count("violation") == len(run.violations) > 0
    assert ledger.verify() == len(kinds)
    dump = json.dumps([e.data for e in ledger.events()], ensure_ascii=False)
    assert _id_number(5) not in dump and "关于二〇二四年" not in dump


def test_cache_round_trip_keeps_every_field() -> None:
    from secaudit.model import (
        Confidence,
        ErrorReason,
        ExtractError,
        FileResult,
        Finding,
        Level,
        Location,
    )
    from secaudit.scan.cache import decode_result, encode_result

    clean = FileResult("/x/a.txt", 12, "ab" * 32, "text", mtime_ns=7)
    full = FileResult(
        "/x/b.zip", 99, "cd" * 32, "zip",
        findings=(Finding("marking", Location.FILENAME, "内/（机密）a.docx", Confidence.MEDIUM,
                          "marking", level=Level.SECRET, text="（机密）", note="n"),),
        errors=(ExtractError(ErrorReason.ENCRYPTED, "password", "内/b.pdf"),),
        mtime_ns=8, members=("内/（机密）a.docx", "内/b.pdf"),
    )
    for r in (clean, full):
        assert decode_result(r.path, r.mtime_ns, encode_result(r)) == r


def test_release_workers_stops_processes_and_next_scan_restarts_them(
    tree: Path, home: Path
) -> None:
    with _scanner(home, use_cache=False) as sc:
        sc.scan([tree], ScanContext())
        procs = [w.proc for w in sc._pool._workers]
        assert procs and all(p.is_alive() for p in procs)
        sc.release_workers(servers=True)
        assert not any(p.is_alive() for p in procs)
        from multiprocessing import forkserver

        assert forkserver._forkserver._forkserver_pid is None  # the fork server stopped too
        again = sc.scan([tree], ScanContext())
    assert {Path(r.path).name for r in again.files} == {"通知.txt", "gbk.txt", "客户名单.txt"}


def test_worker_killed_from_outside_is_replaced(tree: Path, home: Path) -> None:
    """A worker that dies while idle (OOM killer, kill -9) costs nothing: the next scan goes on."""
    import os
    import signal

    with _scanner(home, use_cache=False) as sc:
        sc.scan([tree], ScanContext())
        for w in sc._pool._workers:
            os.kill(w.proc.pid, signal.SIGKILL)
            w.proc.join(5)
        again = sc.scan([tree], ScanContext())
    assert {Path(r.path).name for r in again.files} == {"通知.txt", "gbk.txt", "客户名单.txt"}
    assert not any(r.errors for r in again.results)


def test_worker_dying_mid_file_gives_that_file_an_error_and_the_scan_goes_on(
    tree: Path, home: Path
) -> None:
    """A parser crash (segfault, OOM kill) while reading one file costs that file only."""
    import os
    import signal
    import threading
    import time

    big = tree / "大文件.txt"
    _slow_text(big)
    with _scanner(home, use_cache=False) as sc:
        result: list = []
        thread = threading.Thread(target=lambda: result.append(sc.scan([tree], ScanContext())))
        thread.start()
        deadline = time.monotonic() + 30
        victim = None
        while victim is None and time.monotonic() < deadline:
            for w in list(sc._pool._workers):
                if w.batch and w.batch[w.done].path == str(big):
                    victim = w
            time.sleep(0.01)
        assert victim is not None, "the big file never reached a worker"
        os.kill(victim.proc.pid, signal.SIGKILL)
        thread.join(60)
    (run,) = result
    by_name = {Path(r.path).name: r for r in run.results}
    assert [(e.reason.value, e.detail) for e in by_name["大文件.txt"].errors] == [
        ("corrupt", "parser crashed")
    ]
    assert by_name["通知.txt"].classification.value == "secret", by_name["通知.txt"]


def test_linked_file_is_read_not_reported_unreadable(tmp_path: Path, home: Path) -> None:
    root = tmp_path / "r"
    root.mkdir()
    (root / "z.txt").write_text("机密★1年\n正文", encoding="utf-8")
    (root / "a.txt").symlink_to(root / "z.txt")
    with _scanner(home) as sc:
        run = sc.scan([root], ScanContext(host_role=HostRole.CLASSIFIED))
    (res,) = run.results
    assert res.path == str(root / "z.txt") and res.errors == ()
    assert res.classification.value == "secret"


def test_pictures_are_read_after_the_documents_of_a_scan(tmp_path: Path, home: Path) -> None:
    """OCR makes pictures slow: a camera card's documents are not left waiting behind them."""
    card = tmp_path / "card"
    card.mkdir()
    tiny_png = bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
    )
    for n in range(3):
        (card / f"a{n}.png").write_bytes(tiny_png)  # sorted first by name
    (card / "z通知.txt").write_text("秘密★5年\n会议纪要", encoding="utf-8")
    # one worker: results come back in the order the files were sent
    with Scanner(load_config(home), load_policy(), workers=1, use_cache=False) as sc:
        run = sc.scan([card], ScanContext(), list_all=True)
    order = [Path(r.path).name for r in run.results]
    assert order.index("z通知.txt") < min(order.index(f"a{n}.png") for n in range(3))
    assert len(order) == 4  # nothing skipped, only reordered


def test_pictures_travel_to_workers_one_at_a_time(tmp_path: Path, home: Path) -> None:
    """A batch never holds a picture beside other files: with OCR (~1 s a picture) one worker
    must not sit on several while the other is idle."""
    from secaudit.scan.workers import WorkerPool

    sent: list[list[str]] = []
    real_send = WorkerPool._send

    def spy(self: WorkerPool, w: object, batch: list) -> None:  # type: ignore[type-arg]
        sent.append([Path(t.path).name for t in batch])
        real_send(self, w, batch)  # type: ignore[arg-type]

    folder = tmp_path / "mixed"
    folder.mkdir()
    for n in range(6):
        (folder / f"p{n}.jpg").write_bytes(b"\xff\xd8\xff\xe0" + bytes(200))
        (folder / f"t{n}.txt").write_text(f"第{n}号通知", encoding="utf-8")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(WorkerPool, "_send", spy)
        with _scanner(home, use_cache=False) as sc:
            sc.scan([folder], ScanContext(), list_all=True)
    pictures = [b for b in sent if any(n.endswith(".jpg") for n in b)]
    assert len(pictures) == 6 and all(len(b) == 1 for b in pictures)
    assert any(len(b) > 1 for b in sent)  # the text files still travel together
