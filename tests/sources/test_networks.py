"""NetworkManager keyfiles, sysfs radios and rfkill, active interfaces."""

from __future__ import annotations

from pathlib import Path

from secaudit.sources.hostroot import HostRoot
from secaudit.sources.networks import active_interfaces, network_profiles, radios
from tests.sources import artifacts

UUID = "2b1a4c7e-3f1d-4d55-9a2b-6c0e1f2a3b4c"


def test_keyfiles(tmp_path: Path) -> None:
    root = tmp_path / "root"
    artifacts.wifi_keyfile(root, "Branch-Guest", "营业厅-WiFi", UUID, 1764000000)
    artifacts.write(root, "/etc/NetworkManager/system-connections/4G.nmconnection",
                    "[connection]\nid=4G\nuuid=9d9e\ntype=gsm\n\n[gsm]\napn=cmnet\n", 0o600)
    artifacts.write(root, "/etc/NetworkManager/system-connections/vpn.nmconnection",
                    "[connection]\nid=Home VPN\nuuid=77aa\ntype=vpn\n\n[vpn]\n"
                    "service-type=org.freedesktop.NetworkManager.openvpn\n", 0o600)
    artifacts.write(root, "/var/lib/NetworkManager/timestamps",
                    f"[timestamps]\n{UUID}=1764500000\n")
    profiles = {p.id: p for p in network_profiles(HostRoot(root))}
    wifi = profiles["Branch-Guest"]
    assert (wifi.type, wifi.ssid) == ("wifi", "营业厅-WiFi")
    assert wifi.last_used.startswith("2025-11-30")  # from the timestamps file, not the keyfile
    assert "psk" not in str(wifi.to_json()) and "Secret" not in str(wifi.to_json())
    assert profiles["4G"].type == "gsm"
    assert profiles["Home VPN"].vpn_service.endswith("openvpn")


def test_sysfs_radios_and_interfaces(tmp_path: Path) -> None:
    root = tmp_path / "root"
    artifacts.sysfs(root, wlan_blocked=True, up=("enp1s0", "wlp2s0"))
    found = {(r.kind, r.name): r.blocked for r in radios(HostRoot(root))}
    assert found == {("wlan", "wlp2s0"): True, ("bluetooth", "hci0"): False}
    assert active_interfaces(HostRoot(root)) == ["enp1s0", "wlp2s0"]


def test_class_link_leaving_sys_is_not_followed(tmp_path: Path) -> None:
    root = tmp_path / "root"
    (tmp_path / "evil" / "wireless").mkdir(parents=True)
    (tmp_path / "evil" / "operstate").write_text("up\n")
    (root / "sys/class/net").mkdir(parents=True)
    (root / "sys/class/net/wlan9").symlink_to(tmp_path / "evil")
    assert radios(HostRoot(root)) == []
    assert active_interfaces(HostRoot(root)) == []


def test_bad_keyfile_is_a_problem_and_the_others_are_read(tmp_path: Path) -> None:
    root = tmp_path / "root"
    artifacts.wifi_keyfile(root, "Good", "ok-net", UUID, 1764000000)
    artifacts.write(root, "/etc/NetworkManager/system-connections/bad.nmconnection",
                    "no section header\n\x00\x01", 0o600)
    big = root / "etc/NetworkManager/system-connections/huge.nmconnection"
    big.write_bytes(b"[connection]\nid=x\n" + b"#" * (300 * 1024))
    host = HostRoot(root)
    assert [p.id for p in network_profiles(host)] == ["Good"]
    assert sorted(p.reason for p in host.problems) == ["corrupt", "too_large"]
