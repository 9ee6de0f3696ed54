"""Real host artifacts for the trace-source and check tests, written under a temporary root.

- browser histories written by Debian's real ``chromium`` and ``firefox-esr`` (headless, their own
  profile folder, visiting pages served by an in-process ``http.server`` on 127.0.0.1; network
  access beyond loopback is switched off by flags and prefs);
- a ``recently-used.xbel`` written by GLib's own ``GBookmarkFile`` (libglib-2.0 via ctypes);
- a dpkg status entry written by the real ``dpkg --root`` installing a package built with
  ``dpkg-deb``;
- NetworkManager keyfiles in the format NetworkManager writes (``nmcli`` is not installed here:
  written to its keyfile spec), the sysfs/rfkill layout with the kernel's class symlinks.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import shutil
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

CHROMIUM = shutil.which("chromium")
FIREFOX = shutil.which("firefox-esr") or shutil.which("firefox")
_CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
    "--disable-default-apps", "--disable-extensions", "--no-pings", "--dns-prefetch-disable",
    # belt and braces: anything but loopback goes to a closed loopback port, names do not resolve
    "--proxy-server=http://127.0.0.1:9",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
]
_FIREFOX_PREFS = """
user_pref("network.dns.disabled", true);
user_pref("network.proxy.type", 1);
user_pref("network.proxy.http", "127.0.0.1");
user_pref("network.proxy.http_port", 9);
user_pref("network.proxy.ssl", "127.0.0.1");
user_pref("network.proxy.ssl_port", 9);
user_pref("network.proxy.socks", "127.0.0.1");
user_pref("network.proxy.socks_port", 9);
user_pref("network.proxy.no_proxies_on", "127.0.0.1,localhost");
user_pref("network.proxy.allow_hijacking_localhost", false);
user_pref("app.normandy.enabled", false);
user_pref("app.update.enabled", false);
user_pref("browser.safebrowsing.downloads.remote.enabled", false);
user_pref("browser.safebrowsing.malware.enabled", false);
user_pref("browser.safebrowsing.phishing.enabled", false);
user_pref("datareporting.policy.dataSubmissionEnabled", false);
user_pref("datareporting.healthreport.uploadEnabled", false);
user_pref("toolkit.telemetry.enabled", false);
user_pref("network.captive-portal-service.enabled", false);
user_pref("network.connectivity-service.enabled", false);
user_pref("extensions.update.enabled", false);
user_pref("browser.places.importBookmarksHTML", false);
"""


@contextmanager
def web_server(folder: Path) -> Iterator[int]:
    """Serve ``folder`` on 127.0.0.1 (a free port) while the block runs."""
    (folder / "index.html").write_text("<html><head><title>t</title></head><body>hi</body></html>")
    handler = partial(_QuietHandler, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


_PROFILES: dict[str, Path] = {}


def session_profiles(work: Path) -> dict[str, Path]:
    """Chromium and Firefox profiles that visited 127.0.0.1 (with a query) and localhost on a
    loopback server, made once per test process (~7 s chromium, ~11 s firefox-esr)."""
    if _PROFILES:
        return _PROFILES
    (work / "www").mkdir()
    with web_server(work / "www") as port:
        urls = [f"http://127.0.0.1:{port}/index.html?q=机密", f"http://localhost:{port}/index.html"]
        if CHROMIUM:
            chromium_history(work / "chromium", urls)
            _PROFILES["chromium"] = work / "chromium"
        if FIREFOX:
            firefox_places(work / "firefox" / "t1x2.default-esr", urls, work)
            _PROFILES["firefox"] = work / "firefox"
    return _PROFILES


def chromium_history(profile_root: Path, urls: list[str]) -> Path:
    """Visit ``urls`` with the real chromium in ``profile_root``; returns ``Default/History``."""
    assert CHROMIUM
    for url in urls:
        subprocess.run(
            [CHROMIUM, *_CHROMIUM_FLAGS, f"--user-data-dir={profile_root}", "--dump-dom", url],
            capture_output=True, timeout=90, check=True,
        )
    return profile_root / "Default" / "History"


def firefox_places(profile: Path, urls: list[str], home: Path) -> Path:
    """Visit ``urls`` with the real firefox-esr in ``profile``; returns ``places.sqlite``."""
    assert FIREFOX
    profile.mkdir(parents=True, exist_ok=True)
    (profile / "user.js").write_text(_FIREFOX_PREFS)
    for i, url in enumerate(urls):
        subprocess.run(
            [FIREFOX, "--headless", "--no-remote", "--profile", str(profile),
             "--screenshot", str(home / f"shot{i}.png"), url],
            capture_output=True, timeout=120, check=True,
            env={"HOME": str(home), "PATH": "/usr/bin:/bin", "MOZ_CRASHREPORTER_DISABLE": "1"},
        )
    return profile / "places.sqlite"


def _libglib() -> ctypes.CDLL | None:
    name = ctypes.util.find_library("glib-2.0")
    try:
        return ctypes.CDLL(name or "libglib-2.0.so.0")
    except OSError:
        return None


def glib_available() -> bool:
    return _libglib() is not None


def write_xbel(path: Path, uris: list[str], app: str = "wps") -> None:
    """``recently-used.xbel`` written by GLib's own GBookmarkFile (libglib-2.0 through ctypes;
    GLib 2.74's gi cannot construct a BookmarkFile), as GNOME/DDE/UKUI applications write it."""
    glib = _libglib()
    assert glib is not None
    glib.g_bookmark_file_new.restype = ctypes.c_void_p
    glib.g_bookmark_file_free.argtypes = [ctypes.c_void_p]
    glib.g_bookmark_file_set_mime_type.argtypes = [ctypes.c_void_p, ctypes.c_char_p,
                                                   ctypes.c_char_p]
    glib.g_bookmark_file_add_application.argtypes = [ctypes.c_void_p, ctypes.c_char_p,
                                                     ctypes.c_char_p, ctypes.c_char_p]
    glib.g_bookmark_file_to_file.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_void_p]
    glib.g_bookmark_file_to_file.restype = ctypes.c_int
    path.parent.mkdir(parents=True, exist_ok=True)
    bookmarks = glib.g_bookmark_file_new()
    try:
        for uri in uris:
            glib.g_bookmark_file_set_mime_type(bookmarks, uri.encode(), b"application/msword")
            glib.g_bookmark_file_add_application(bookmarks, uri.encode(), app.encode(),
                                                 f"{app} %u".encode())
        assert glib.g_bookmark_file_to_file(bookmarks, str(path).encode(), None)
    finally:
        glib.g_bookmark_file_free(bookmarks)


def dpkg_install(root: Path, work: Path, package: str, version: str) -> None:
    """Build ``package`` with dpkg-deb and install it with the real dpkg under ``root``."""
    pkg = work / f"build-{package}"
    (pkg / "DEBIAN").mkdir(parents=True)
    (pkg / "DEBIAN" / "control").write_text(
        f"Package: {package}\nVersion: {version}\nArchitecture: all\n"
        "Maintainer: Test <test@example.invalid>\nDescription: test package\n"
    )
    doc = pkg / "usr" / "share" / "doc" / package
    doc.mkdir(parents=True)
    (doc / "README").write_text("test\n")
    deb = work / f"{package}.deb"
    subprocess.run(["dpkg-deb", "--build", str(pkg), str(deb)], capture_output=True, check=True)
    admin = root / "var" / "lib" / "dpkg"
    for sub in ("updates", "info"):
        (admin / sub).mkdir(parents=True, exist_ok=True)
    (admin / "status").touch()
    subprocess.run(
        ["dpkg", f"--root={root}", f"--admindir={admin}", "--force-not-root",
         "--force-script-chrootless", "--log=/dev/null", "-i", str(deb)],
        capture_output=True, check=True,
        env={"PATH": "/usr/sbin:/usr/bin:/sbin:/bin"},
    )


def write(root: Path, path: str, text: str, mode: int = 0o644) -> Path:
    target = root / path.lstrip("/")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    target.chmod(mode)
    return target


def passwd(root: Path, users: dict[str, int]) -> None:
    """``/etc/passwd`` with root and ``users`` (name → uid), their homes made."""
    lines = ["root:x:0:0:root:/root:/bin/bash"]
    for name, uid in users.items():
        lines.append(f"{name}:x:{uid}:{uid}:{name}:/home/{name}:/bin/bash")
        (root / "home" / name).mkdir(parents=True, exist_ok=True)
    write(root, "/etc/passwd", "\n".join(lines) + "\n")


def wifi_keyfile(root: Path, name: str, ssid: str, uuid: str, timestamp: int) -> Path:
    """A Wi-Fi profile as NetworkManager 1.42 writes it (keyfile plugin, mode 0600)."""
    return write(root, f"/etc/NetworkManager/system-connections/{name}.nmconnection", (
        f"[connection]\nid={name}\nuuid={uuid}\ntype=wifi\ninterface-name=wlp2s0\n"
        f"timestamp={timestamp}\n\n[wifi]\nmode=infrastructure\nssid={ssid}\n\n"
        "[wifi-security]\nauth-alg=open\nkey-mgmt=wpa-psk\npsk=Secret-Passw0rd\n\n"
        "[ipv4]\nmethod=auto\n\n[ipv6]\naddr-gen-mode=default\nmethod=auto\n\n[proxy]\n"
    ), 0o600)


def sysfs(root: Path, *, wlan_blocked: bool, with_bluetooth: bool = True,
          up: tuple[str, ...] = ("enp1s0",)) -> None:
    """A sysfs layout: devices under /sys/devices, class entries as the kernel's symlinks."""
    pci = "/sys/devices/pci0000:00"
    nets = {"lo": "/sys/devices/virtual/net/lo", "enp1s0": f"{pci}/0000:01:00.0/net/enp1s0",
            "wlp2s0": f"{pci}/0000:02:00.0/net/wlp2s0"}
    for name, dev in nets.items():
        write(root, f"{dev}/operstate", "up\n" if name in up or name == "lo" else "down\n")
        _link(root, f"/sys/class/net/{name}", dev)
    (root / nets["wlp2s0"].lstrip("/") / "wireless").mkdir()
    switches = [("rfkill0", "phy0", "wlan", f"{pci}/0000:02:00.0/ieee80211/phy0/rfkill0")]
    if with_bluetooth:
        hci = f"{pci}/0000:00:14.0/usb1/1-7/1-7:1.0/bluetooth/hci0"
        write(root, f"{hci}/type", "Primary\n")
        _link(root, "/sys/class/bluetooth/hci0", hci)
        switches.append(("rfkill1", "hci0", "bluetooth", f"{hci}/rfkill1"))
    for name, label, kind, dev in switches:
        blocked = "1" if wlan_blocked and kind == "wlan" else "0"
        write(root, f"{dev}/type", kind + "\n")
        write(root, f"{dev}/name", label + "\n")
        write(root, f"{dev}/soft", blocked + "\n")
        write(root, f"{dev}/hard", "0\n")
        _link(root, f"/sys/class/rfkill/{name}", dev)


def _link(root: Path, path: str, target: str) -> None:
    link = root / path.lstrip("/")
    link.parent.mkdir(parents=True, exist_ok=True)
    depth = path.strip("/").count("/")
    link.symlink_to("../" * depth + target.lstrip("/"))
