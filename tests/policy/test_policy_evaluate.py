"""Evaluation tables: constructed results and contexts per channel and role → exact violations."""

from __future__ import annotations

from pathlib import Path

import pytest

from secaudit.context import MailMeta, Medium, ScanContext
from secaudit.model import (
    Channel,
    Confidence,
    ErrorReason,
    ExtractError,
    FileResult,
    Finding,
    HostRole,
    Level,
    Location,
    Severity,
)
from secaudit.policy import Policy, load_policy
from secaudit.policy.evaluate import evaluate_file, evaluate_host, evaluate_medium


@pytest.fixture(scope="module")
def policy() -> Policy:
    return load_policy()


def marking(level: Level, member: str | None = None, loc: Location = Location.BODY) -> Finding:
    return Finding(
        kind="marking",
        location=loc,
        member=member,
        confidence=Confidence.HIGH,
        detector="marking",
        level=level,
        text=level.zh,
    )


def info(kind: str, count: int, member: str | None = None) -> Finding:
    return Finding(
        kind="info_type",
        location=Location.BODY,
        member=member,
        confidence=Confidence.HIGH,
        detector="info_type",
        type=kind,
        count=count,
        sample="1101**********123X",
    )


def result(
    path: str,
    *findings: Finding,
    errors: tuple[ExtractError, ...] = (),
    members: tuple[str, ...] = (),
) -> FileResult:
    return FileResult(
        path=path,
        size=100,
        sha256="ab" * 32,
        format=Path(path).suffix[1:],
        findings=findings,
        errors=errors,
        members=members,
    )


UNREGISTERED = Medium(device="/dev/sdb1", serial="PERSONAL-1", fs_uuid="9999-0000")
CLASSIFIED_STICK = Medium(
    serial="EXAMPLE-CLS-0001",
    fs_uuid="1A2B-3C4D",
    registered=True,
    registered_role="classified",
    seen_roles=frozenset({"classified"}),
)
INTRANET_STICK = Medium(serial="EXAMPLE-INT-0101", registered=True, registered_role="intranet")
INTERNAL_MAIL = MailMeta(recipients=("张三 <zs@rcb.example>", "ls@branch.rcb.example"))
EXTERNAL_MAIL = MailMeta(recipients=("zs@rcb.example", "friend@example.com"))


def ctx(channel: Channel, role: HostRole, **kw: object) -> ScanContext:
    return ScanContext(channel=channel, host_role=role, hostname="pc-01", **kw)  # type: ignore[arg-type]


C, R = Channel, HostRole
SECRET = result("/d/（机密）计划.docx", marking(Level.SECRET))
INTERNAL = result("/d/【内部】纪要.docx", marking(Level.INTERNAL, loc=Location.FILENAME))
COMMERCIAL = result("/d/方案.docx", marking(Level.CORE_COMMERCIAL, loc=Location.HEADER))
CUSTOMERS = result("/d/客户.xlsx", info("cn_resident_id", 25), info("cn_mobile", 3))
FEW_IDS = result("/d/登记.xlsx", info("cn_resident_id", 9))
SALARY = result("/d/2024年工资发放表.xlsx")
PLAIN = result("/d/学习材料.docx")
ENCRYPTED = result("/d/a.zip", errors=(ExtractError(ErrorReason.ENCRYPTED, "password"),))

TABLE = [
    # (file, context, expected rule ids)
    (SECRET, ctx(C.INTERNET_HOST, R.INTERNET), {"SEC-001"}),
    (SECRET, ctx(C.LOCAL, R.INTERNET), {"SEC-001"}),
    (SECRET, ctx(C.LOCAL, R.INTRANET), {"SEC-015"}),
    (SECRET, ctx(C.LOCAL, R.CLASSIFIED), set()),
    (SECRET, ctx(C.REMOVABLE_MEDIA, R.INTRANET, medium=UNREGISTERED), {"SEC-005"}),
    (SECRET, ctx(C.REMOVABLE_MEDIA, R.INTRANET, medium=INTRANET_STICK), {"SEC-005"}),
    (SECRET, ctx(C.REMOVABLE_MEDIA, R.CLASSIFIED, medium=CLASSIFIED_STICK), set()),
    (SECRET, ctx(C.EMAIL, R.INTERNET, mail=INTERNAL_MAIL), {"SEC-007"}),
    (SECRET, ctx(C.EMAIL, R.INTERNET, mail=EXTERNAL_MAIL), {"SEC-008"}),
    (COMMERCIAL, ctx(C.INTERNET_HOST, R.INTERNET), {"SEC-002"}),
    (COMMERCIAL, ctx(C.LOCAL, R.INTRANET), set()),
    (COMMERCIAL, ctx(C.REMOVABLE_MEDIA, R.INTRANET, medium=UNREGISTERED), {"SEC-004"}),
    (COMMERCIAL, ctx(C.REMOVABLE_MEDIA, R.INTRANET, medium=INTRANET_STICK), set()),
    (COMMERCIAL, ctx(C.EMAIL, R.INTRANET, mail=EXTERNAL_MAIL), {"SEC-009"}),
    (INTERNAL, ctx(C.INTERNET_HOST, R.INTERNET), {"SEC-003"}),
    (INTERNAL, ctx(C.REMOVABLE_MEDIA, R.INTERNET, medium=None), {"SEC-004"}),
    (INTERNAL, ctx(C.EMAIL, R.INTERNET, mail=INTERNAL_MAIL), {"SEC-007"}),
    (INTERNAL, ctx(C.EMAIL, R.INTERNET, mail=EXTERNAL_MAIL), {"SEC-009"}),
    (CUSTOMERS, ctx(C.INTERNET_HOST, R.INTERNET), {"SEC-014"}),
    (CUSTOMERS, ctx(C.LOCAL, R.INTRANET), set()),
    (CUSTOMERS, ctx(C.REMOVABLE_MEDIA, R.INTRANET, medium=INTRANET_STICK), {"SEC-010"}),
    (CUSTOMERS, ctx(C.EMAIL, R.INTRANET, mail=INTERNAL_MAIL), {"SEC-010"}),
    (FEW_IDS, ctx(C.REMOVABLE_MEDIA, R.INTRANET, medium=UNREGISTERED), set()),
    (FEW_IDS, ctx(C.INTERNET_HOST, R.INTERNET), set()),
    (SALARY, ctx(C.EMAIL, R.INTERNET, mail=EXTERNAL_MAIL), {"SEC-010"}),
    (SALARY, ctx(C.INTERNET_HOST, R.INTERNET), {"SEC-014"}),
    (SALARY, ctx(C.LOCAL, R.INTRANET), set()),
    (PLAIN, ctx(C.EMAIL, R.INTERNET, mail=EXTERNAL_MAIL), set()),
    (PLAIN, ctx(C.INTERNET_HOST, R.INTERNET), set()),
    (ENCRYPTED, ctx(C.REMOVABLE_MEDIA, R.INTRANET, medium=INTRANET_STICK), {"SEC-013"}),
    (ENCRYPTED, ctx(C.EMAIL, R.INTERNET, mail=INTERNAL_MAIL), {"SEC-013"}),
    (ENCRYPTED, ctx(C.INTERNET_HOST, R.INTERNET), set()),
]


@pytest.mark.parametrize(("file", "context", "expected"), TABLE)
def test_file_rules_per_channel_and_role(
    policy: Policy, file: FileResult, context: ScanContext, expected: set[str]
) -> None:
    violations = evaluate_file(policy, file, context)
    assert {v.rule for v in violations} == expected
    for v in violations:
        assert v.path == file.path
        assert v.channel == context.channel
        rule = policy.rule(v.rule)
        assert rule is not None
        assert (v.severity, v.title, v.basis, v.remedy) == (
            rule.severity,
            rule.title,
            rule.basis,
            rule.remedy,
        )


def test_violation_fields_and_json(policy: Policy) -> None:
    [v] = evaluate_file(policy, SECRET, ctx(C.INTERNET_HOST, R.INTERNET))
    assert v.to_json() == {
        "rule": "SEC-001",
        "severity": "critical",
        "title": "互联网计算机存储国家秘密文件",
        "path": "/d/（机密）计划.docx",
        "member": None,
        "channel": "internet_host",
        "level": "secret",
        "basis": v.basis,
        "remedy": v.remedy,
    }
    assert v.severity is Severity.CRITICAL
    assert "互联网" in v.basis


def test_violation_names_the_member_with_the_highest_marking(policy: Policy) -> None:
    archive = result(
        "/d/资料.zip",
        marking(Level.INTERNAL, member="资料/a.docx"),
        marking(Level.TOP_SECRET, member="资料/深/b.docx"),
        marking(Level.CONFIDENTIAL, member="资料/c.pdf"),
    )
    [v] = evaluate_file(policy, archive, ctx(C.INTERNET_HOST, R.INTERNET))
    assert (v.rule, v.member, v.level) == ("SEC-001", "资料/深/b.docx", Level.TOP_SECRET)
    marked_itself = result(
        "/d/x.zip", marking(Level.SECRET, member="x/a.docx"), marking(Level.SECRET)
    )
    [v] = evaluate_file(policy, marked_itself, ctx(C.INTERNET_HOST, R.INTERNET))
    assert v.member is None


def test_one_violation_per_unreadable_member(policy: Policy) -> None:
    errs = (
        ExtractError(ErrorReason.ENCRYPTED, "pw", member="a.zip/x.docx"),
        ExtractError(ErrorReason.CORRUPT, "bad", member="a.zip/y.pdf"),
        ExtractError(ErrorReason.CORRUPT, "bad again", member="a.zip/y.pdf"),
        ExtractError(ErrorReason.TIMEOUT, "slow", member="a.zip/z.pdf"),
    )
    found = evaluate_file(policy,
        result("/m/a.zip", errors=errs), ctx(C.REMOVABLE_MEDIA, R.INTRANET, medium=INTRANET_STICK)
    )
    assert [(v.rule, v.member) for v in found] == [
        ("SEC-013", "a.zip/x.docx"),
        ("SEC-013", "a.zip/y.pdf"),
        ("SEC-019", "a.zip/z.pdf"),  # not examined (timeout): a violation of its own
    ]


def test_customer_data_points_at_the_member_holding_it(policy: Policy) -> None:
    mail = result("/mail/1.eml", info("bank_card", 30, member="名单.xlsx"), members=("名单.xlsx",))
    [v] = evaluate_file(policy, mail, ctx(C.EMAIL, R.INTERNET, mail=EXTERNAL_MAIL))
    assert (v.rule, v.member, v.level) == ("SEC-010", "名单.xlsx", None)
    assert v.detail["external_recipients"] == ["friend@example.com"]
    assert v.detail["info_counts"] == {"bank_card": 30}
    assert v.detail["mail"]["to"] == list(EXTERNAL_MAIL.recipients)
    spread = result(
        "/d/两表.zip",
        info("cn_resident_id", 6, member="a.xlsx"),
        info("cn_resident_id", 6, member="b.xlsx"),
    )
    [v] = evaluate_file(policy, spread, ctx(C.REMOVABLE_MEDIA, R.INTRANET, medium=UNREGISTERED))
    assert (v.rule, v.member) == ("SEC-010", None)
    assert v.detail["medium"]["serial"] == "PERSONAL-1"


def test_deduplicated_when_two_branches_point_at_the_same_member(policy: Policy) -> None:
    both = result("/m/工资.zip", info("cn_resident_id", 40))
    found = evaluate_file(policy, both, ctx(C.REMOVABLE_MEDIA, R.INTRANET, medium=INTRANET_STICK))
    assert [(v.rule, v.member) for v in found] == [("SEC-010", None)]


def test_evaluation_order_follows_the_policy(policy: Policy) -> None:
    order = [r.id for r in policy.rules]
    mixed = result(
        "/m/a.zip",
        marking(Level.INTERNAL, member="a/b.docx"),
        errors=(ExtractError(ErrorReason.ENCRYPTED, "pw", member="a/c.zip"),),
    )
    found = evaluate_file(policy, mixed, ctx(C.REMOVABLE_MEDIA, R.INTRANET, medium=UNREGISTERED))
    assert [v.rule for v in found] == ["SEC-004", "SEC-013"]
    assert order.index("SEC-004") < order.index("SEC-013")


MEDIUM_TABLE = [
    (CLASSIFIED_STICK, R.INTERNET, {"SEC-006", "SEC-012"}),
    (CLASSIFIED_STICK, R.INTRANET, {"SEC-012"}),
    (CLASSIFIED_STICK, R.CLASSIFIED, set()),
    (UNREGISTERED, R.INTERNET, set()),
    (UNREGISTERED, R.CLASSIFIED, {"SEC-016"}),
    (Medium(serial="P2", seen_roles=frozenset({"classified"})), R.INTERNET, {"SEC-012"}),
    (Medium(serial="P3", seen_roles=frozenset({"internet", "intranet"})), R.INTRANET, set()),
    (INTRANET_STICK, R.INTERNET, {"SEC-017"}),
    (INTRANET_STICK, R.INTRANET, set()),
    (INTRANET_STICK, R.CLASSIFIED, {"SEC-012", "SEC-016"}),
]


@pytest.mark.parametrize(("medium", "role", "expected"), MEDIUM_TABLE)
def test_medium_rules(policy: Policy, medium: Medium, role: HostRole, expected: set[str]) -> None:
    found = evaluate_medium(policy, medium, ctx(C.REMOVABLE_MEDIA, role))
    assert {v.rule for v in found} == expected
    for v in found:
        assert (v.path, v.member, v.level) == (None, None, None)
        assert v.detail == medium.to_json()


@pytest.mark.parametrize(
    ("role", "connected", "expected"),
    [
        (R.CLASSIFIED, True, {"SEC-011"}),
        (R.CLASSIFIED, False, set()),
        (R.CLASSIFIED, None, set()),
        (R.INTERNET, True, set()),
        (R.INTRANET, True, set()),
    ],
)
def test_host_rules(
    policy: Policy, role: HostRole, connected: bool | None, expected: set[str]
) -> None:
    found = evaluate_host(policy, ctx(C.LOCAL, role, connected=connected))
    assert {v.rule for v in found} == expected
    for v in found:
        assert v.severity is Severity.CRITICAL
        assert v.detail == {"hostname": "pc-01", "role": role.value, "connected": connected}


def test_file_and_host_rules_do_not_mix(policy: Policy) -> None:
    connected_classified = ctx(C.LOCAL, R.CLASSIFIED, connected=True, medium=UNREGISTERED)
    assert evaluate_file(policy, PLAIN, connected_classified) == []


@pytest.mark.parametrize(
    ("serial", "fs_uuid", "expected"),
    [
        ("EXAMPLE-CLS-0001", "", (True, "classified")),
        (" example-cls-0001 ", "", (True, "classified")),
        ("", "1a2b-3c4d", (False, None)),  # UUID alone: unverified (mkfs -U copies it)
        ("OTHER", "5E6F-7A8B", (False, None)),
        ("EXAMPLE-NET-0201", "", (True, "internet")),
        ("", "", (False, None)),
        ("NOPE", "0000-0000", (False, None)),
    ],
)
def test_lookup_medium(policy: Policy, serial: str, fs_uuid: str, expected: tuple) -> None:
    assert policy.lookup_medium(serial, fs_uuid) == expected


def test_disabled_rule_is_not_evaluated(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(
        "id: p\nversion: '1'\ntitle: t\nrules:\n"
        "  - {id: A, title: 甲, severity: low, basis: b, remedy: r, when: {channel: local}}\n"
        "  - {id: B, title: 乙, severity: low, basis: b, remedy: r, when: {channel: local},"
        " enabled: false}\n",
        encoding="utf-8",
    )
    policy = load_policy(path)
    assert [v.rule for v in evaluate_file(policy, PLAIN, ctx(C.LOCAL, R.INTRANET))] == ["A"]
    assert [r.id for r in policy.rules] == ["A", "B"]
