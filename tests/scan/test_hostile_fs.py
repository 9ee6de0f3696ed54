"""Issue 12, filesystem findings: each test performs the attack for real and checks it fails.

Real symlinks, a real FIFO, real sparse files, /proc, a real second user (created with
``useradd`` when the test runs as root; its steps run as that user through ``runuser``), and a
directory swapped for a link between the walk and the open.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

import secaudit.scan.feed as feed_mod
import secaudit.scan.walk as walk_mod
from secaudit.config import load_config
from secaudit.context import ScanContext
from secaudit.ledger import Ledger
from secaudit.limits import Limits
from secaudit.model import ErrorReason
from secaudit.policy import load_policy
from secaudit.report.build import ReportRequest, build_report
from secaudit.report.render import render_html
from secaudit.scan import safeopen
from secaudit.scan.analyze import Task, read_task
from secaudit.scan.scanner import Scanner
from secaudit.scan.walk import WalkEntry, WalkProblem, walk

TOP_SECRET = "绝密★长期\n关于核心系统密钥的管理办法\n"
SECRET = "机密★10年\n关于信贷计划的通知\n"


def _scan(home: Path, paths: list[Path], **kw: object) -> tuple[Scanner, object]:
    sc = Scanner(load_config(home), load_policy(), workers=1, use_cache=False, **kw)  # type: ignore[arg-type]
    return sc, sc.scan([str(p) for p in paths], ScanContext())


def _levels(run: object) -> set[str]:
    return {r.classification.value for r in run.results}  # type: ignore[attr-defined]


def _errors(run: object) -> dict[str, set[str]]:
    return {r.path: {e.reason.value for e in r.errors}
            for r in run.results if r.errors}  # type: ignore[attr-defined]


def rm_deep(path: Path) -> None:
    """Remove a tree too deep for ``shutil.rmtree`` (pytest's own clean-up recurses)."""
    subprocess.run(["rm", "-rf", "--one-file-system", str(path)], check=True)


@pytest.fixture
def root_only(tmp_path: Path) -> Path:
    """A folder only root may read, holding a 绝密 file (stands for /root/...)."""
    secret = tmp_path / "root-only"
    secret.mkdir(mode=0o700)
    (secret / "a.txt").write_text(TOP_SECRET, encoding="utf-8")
    return secret


# -- finding 1: links lead the root agent outside -----------------------------------------------

def test_top_path_that_is_a_link_is_refused_with_a_record(home: Path, tmp_path: Path,
                                                         root_only: Path) -> None:
    desktop = tmp_path / "home" / "Desktop"
    desktop.parent.mkdir(parents=True, exist_ok=True)
    desktop.symlink_to(root_only)  # ~/Desktop replaced by a link
    sc, run = _scan(home, [desktop])
    sc.close()
    assert "top_secret" not in _levels(run)
    assert _errors(run) == {str(desktop): {"limit"}}


def test_link_in_a_parent_component_made_by_a_user_is_refused(tmp_path: Path,
                                                              root_only: Path) -> None:
    (tmp_path / "u").mkdir()
    os.chown(tmp_path / "u", 12345, 12345)
    hop = tmp_path / "u" / "hop"
    hop.symlink_to(root_only)
    os.lchown(hop, 12345, 12345)  # made by an ordinary user
    with pytest.raises(safeopen.Refused) as exc:
        safeopen.open_top(str(hop / "a.txt"))
    assert exc.value.reason is ErrorReason.LIMIT


def test_link_on_a_scanned_folder_is_never_followed(home: Path, tmp_path: Path,
                                                    root_only: Path) -> None:
    stick = tmp_path / "stick"
    stick.mkdir()
    (stick / "ok.txt").write_text(SECRET, encoding="utf-8")
    (stick / "escape").symlink_to(root_only)
    (stick / "escape_file").symlink_to(root_only / "a.txt")
    sc, run = _scan(home, [stick])
    sc.close()
    assert _levels(run) >= {"secret"} and "top_secret" not in _levels(run)
    assert _errors(run) == {str(stick / "escape"): {"limit"},
                            str(stick / "escape_file"): {"limit"}}


def _second_user() -> Iterator[str]:
    if os.geteuid() != 0:
        pytest.skip("creating a second user needs root")
    if not shutil.which("useradd") or not shutil.which("runuser"):
        pytest.skip("useradd/runuser not installed")
    name = f"sa{uuid.uuid4().hex[:8]}"
    subprocess.run(["useradd", "--no-create-home", "--shell", "/bin/sh", name], check=True,
                   capture_output=True)
    try:
        yield name
    finally:
        subprocess.run(["userdel", name], check=False, capture_output=True)


@pytest.fixture
def attacker() -> Iterator[str]:
    yield from _second_user()


def test_second_user_replaces_desktop_by_a_link_to_a_root_only_folder(
    home: Path, tmp_path: Path, root_only: Path, attacker: str
) -> None:
    """The user owns their home; they swap ~/Desktop for a link. The agent scans the roots."""
    base = Path(tempfile.mkdtemp(prefix="secaudit-userhome-"))  # reachable by the user
    os.chmod(base, 0o755)  # noqa: S103 - the second user must reach its home
    user_home = base / "userhome"
    (user_home / "Desktop").mkdir(parents=True)
    shutil.chown(user_home, attacker, attacker)
    shutil.chown(user_home / "Desktop", attacker, attacker)
    steps = f"rmdir {user_home}/Desktop && ln -s {root_only} {user_home}/Desktop"
    subprocess.run(["runuser", "-u", attacker, "--", "sh", "-c", steps], check=True)
    assert (user_home / "Desktop").is_symlink()
    try:
        sc, run = _scan(home, [user_home / "Desktop", user_home])
        sc.close()
    finally:
        shutil.rmtree(base)
    assert "top_secret" not in _levels(run)
    errors = _errors(run)
    assert errors[str(user_home / "Desktop")] == {"limit"}


# -- finding 2: race between walk and read --------------------------------------------------------

def _swap_after_walk(monkeypatch: pytest.MonkeyPatch, folder: Path, target: Path) -> None:
    """Hook the walk → open boundary: once the walk has listed a file under ``folder``, the
    folder is swapped for a link to ``target`` before any worker opens the file."""
    real_walk = walk_mod.walk

    def hooked(paths: list[str], exclude: tuple[str, ...] = (), **kw: bool) -> Iterator[object]:
        for item in real_walk(paths, exclude, **kw):
            if isinstance(item, WalkEntry) and item.path.startswith(str(folder) + "/") \
                    and not folder.is_symlink():
                folder.rename(folder.with_name("docs.old"))
                folder.symlink_to(target)
            yield item

    monkeypatch.setattr(feed_mod, "walk", hooked)


def test_folder_swapped_for_a_link_between_walk_and_open_is_not_read(
    home: Path, tmp_path: Path, root_only: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stick = tmp_path / "stick"
    (stick / "docs").mkdir(parents=True)
    (stick / "docs" / "a.txt").write_text("普通通知\n" + " " * (len(TOP_SECRET.encode()) - 13),
                                          encoding="utf-8")
    _swap_after_walk(monkeypatch, stick / "docs", root_only)
    with Ledger(home / "ledger.db") as led:
        sc = Scanner(load_config(home), load_policy(), workers=1, use_cache=False, ledger=led)
        with sc:
            run = sc.scan([str(stick)], ScanContext())
        events = list(led.events(kinds=["finding"]))
    assert (stick / "docs").is_symlink()  # the swap happened
    assert "top_secret" not in _levels(run)
    assert not any("绝密" in str(e.data) for e in events)
    assert _errors(run)[str(stick / "docs" / "a.txt")] <= {"limit", "vanished"}


@pytest.mark.parametrize("openat2", [True, False], ids=["openat2", "per-component"])
def test_swap_to_dev_zero_or_a_root_file_is_refused_by_both_open_paths(
    tmp_path: Path, root_only: Path, monkeypatch: pytest.MonkeyPatch, openat2: bool
) -> None:
    if not openat2:
        monkeypatch.setattr(safeopen, "_has_openat2", False)
    stick = tmp_path / "stick"
    (stick / "docs").mkdir(parents=True)
    (stick / "docs" / "a.txt").write_text("x" * 10, encoding="utf-8")
    (entry,) = [e for e in walk([str(stick)]) if isinstance(e, WalkEntry)]
    limits = Limits(max_file_size=1024)
    for target in (root_only, Path("/dev")):
        os.rename(stick / "docs", stick / f"old-{target.name}")
        (stick / "docs").symlink_to(target)
        task = Task(path=entry.path, size=entry.size, top=entry.top, rel=entry.rel,
                    dev=entry.dev, ino=entry.inode)
        with pytest.raises(safeopen.Refused) as exc:
            read_task(task, limits)
        assert exc.value.reason is ErrorReason.LIMIT
        (stick / "docs").unlink()
        os.rename(stick / f"old-{target.name}", stick / "docs")
    # the same file replaced by another one (same name, new inode): refused too
    (stick / "docs" / "b.txt").write_text("y" * 10, encoding="utf-8")
    (stick / "docs" / "b.txt").replace(stick / "docs" / "a.txt")
    task = Task(path=entry.path, size=entry.size, top=entry.top, rel=entry.rel, dev=entry.dev,
                ino=entry.inode)
    with pytest.raises(safeopen.Refused) as exc:
        read_task(task, limits)
    assert exc.value.reason is ErrorReason.VANISHED


def test_reads_are_capped_even_when_the_file_grows(tmp_path: Path) -> None:
    big = tmp_path / "sparse.bin"
    with big.open("wb") as fh:
        fh.truncate(64 * 1024 * 1024)  # 64 MiB, no block on disk
    fd, _ = safeopen.open_top(str(big))
    try:
        with pytest.raises(safeopen.Refused) as exc:
            safeopen.read_capped(fd, 1024 * 1024)
        assert exc.value.reason is ErrorReason.TOO_LARGE
    finally:
        os.close(fd)


# -- FIFO, devices, pseudo-filesystems ------------------------------------------------------------

def test_fifo_in_a_scanned_folder_gets_a_record_and_never_blocks(home: Path,
                                                                  tmp_path: Path) -> None:
    folder = tmp_path / "f"
    folder.mkdir()
    os.mkfifo(folder / "pipe.docx")
    (folder / "n.txt").write_text(SECRET, encoding="utf-8")
    t0 = time.monotonic()
    sc, run = _scan(home, [folder])
    sc.close()
    assert time.monotonic() - t0 < 15
    assert _errors(run) == {str(folder / "pipe.docx"): {"unsupported"}}
    (detail,) = [e.detail for r in run.results for e in r.errors]  # type: ignore[attr-defined]
    assert "FIFO" in detail
    with pytest.raises(safeopen.Refused):  # a FIFO given directly is never opened either
        safeopen.open_top(str(folder / "pipe.docx"))


@pytest.mark.parametrize("pseudo", ["/proc", "/sys", "/dev/pts", "/proc/self"])
def test_pseudo_filesystems_are_refused_with_a_reason(pseudo: str) -> None:
    if not os.path.isdir(pseudo):
        pytest.skip(f"{pseudo} is not mounted here")
    t0 = time.monotonic()
    items = list(walk([pseudo]))
    assert time.monotonic() - t0 < 5
    assert all(isinstance(i, WalkProblem) for i in items)
    assert {i.reason for i in items} <= {ErrorReason.UNSUPPORTED, ErrorReason.LIMIT}


def test_scan_of_dev_opens_no_device(home: Path) -> None:
    sc, run = _scan(home, [Path("/dev/zero"), Path("/dev/null")])
    sc.close()
    assert _errors(run) == {"/dev/zero": {"unsupported"}, "/dev/null": {"unsupported"}}
    assert run.files_scanned == 0  # type: ignore[attr-defined]


# -- content that does not match its extension -----------------------------------------------------

def test_random_bytes_named_docx_are_corrupt_but_real_documents_with_odd_names_read(
    home: Path, tmp_path: Path
) -> None:
    from tests.agent.helpers import marked_docx

    folder = tmp_path / "d"
    folder.mkdir()
    (folder / "加密.docx").write_bytes(os.urandom(50_000))
    (folder / "报告.pdf").write_bytes(marked_docx())  # a real .docx under a .pdf name
    (folder / "tool.bin").write_bytes(b"\x7fELF" + os.urandom(1000))
    sc, run = _scan(home, [folder])
    sc.close()
    errors = _errors(run)
    assert errors == {str(folder / "加密.docx"): {"corrupt"}}
    by_name = {Path(r.path).name: r for r in run.results}  # type: ignore[attr-defined]
    assert by_name["报告.pdf"].classification.value == "secret"
    assert "encrypted" in by_name["加密.docx"].errors[0].detail


# -- finding 5: deep trees; a scan that fails part-way --------------------------------------------

def test_1300_nested_folders_are_walked_without_recursion(home: Path, tmp_path: Path) -> None:
    stick = tmp_path / "stick"
    stick.mkdir()
    (stick / "机密计划.txt").write_text(SECRET, encoding="utf-8")
    fd = os.open(stick, os.O_RDONLY)
    for _ in range(1300):
        os.mkdir("d", dir_fd=fd)
        nxt = os.open("d", os.O_RDONLY, dir_fd=fd)
        os.close(fd)
        fd = nxt
    with open(os.open("deep.txt", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd), "w") as fh:
        fh.write(SECRET)
    os.close(fd)
    try:
        sc, run = _scan(home, [stick])
        sc.close()
    finally:
        rm_deep(stick)
    names = {Path(r.path).name for r in run.results if r.classification.value == "secret"}  # type: ignore[attr-defined]
    assert names == {"机密计划.txt", "deep.txt"}
    assert run.state == "complete"  # type: ignore[attr-defined]


def test_a_scan_failing_part_way_records_what_it_found_and_the_report_says_so(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "f"
    folder.mkdir()
    (folder / "a.txt").write_text(SECRET, encoding="utf-8")
    real_walk = walk_mod.walk

    def failing(paths: list[str], exclude: tuple[str, ...] = (), **kw: bool) -> Iterator[object]:
        yield from real_walk(paths, exclude, **kw)
        raise RecursionError("maximum recursion depth exceeded")  # as the old walk did

    monkeypatch.setattr(feed_mod, "walk", failing)
    cfg = load_config(home)
    with Ledger(home / "ledger.db") as led:
        with Scanner(cfg, load_policy(), workers=1, use_cache=False, ledger=led) as sc, \
                pytest.raises(RecursionError):
            sc.scan([str(folder)], ScanContext())
        kinds = [e.kind for e in led.events()]
        (finished,) = list(led.events(kinds=["scan_finished"]))
        model = build_report(led, cfg, ReportRequest())
    assert "finding" in kinds  # recorded before the failure surfaced
    assert finished.data["state"] == "failed" and "RecursionError" in finished.data["failure"]
    html = render_html(model)
    assert 'id="scans-incomplete"' in html and "未完成的检查" in html


# -- finding 8: the cache is fooled by restoring mtime ---------------------------------------------

def test_rewritten_file_with_restored_mtime_is_read_again(home: Path, tmp_path: Path) -> None:
    folder = tmp_path / "f"
    folder.mkdir()
    f = folder / "会议.txt"
    clean = "各单位要认真学习会议精神并抓好落实工作。\n"
    f.write_text(clean, encoding="utf-8")
    cfg, policy = load_config(home), load_policy()
    with Scanner(cfg, policy, workers=1) as sc:
        first = sc.scan([str(folder)], ScanContext())
    assert _levels(first) == {"none"}
    st = f.stat()
    data = SECRET.encode()
    assert len(data) <= st.st_size
    with f.open("r+b") as fh:  # same inode, same size, then the old mtime put back
        fh.write(data + b" " * (st.st_size - len(data)))
    os.utime(f, ns=(st.st_atime_ns, st.st_mtime_ns))
    time.sleep(0.01)
    with Scanner(cfg, policy, workers=1) as sc:
        second = sc.scan([str(folder)], ScanContext())
    assert second.cached_files == 0
    assert _levels(second) == {"secret"}
