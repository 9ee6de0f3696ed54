"""Baseline settings read from configuration files under a root."""

from __future__ import annotations

from pathlib import Path

from secaudit.sources import desktop, syssettings
from secaudit.sources.hostroot import HostRoot
from tests.sources import artifacts


def test_screen_lock_gnome_ukui_dde(tmp_path: Path) -> None:
    root = tmp_path / "root"
    artifacts.write(root, "/etc/dconf/db/local.d/00-lock",
                    "[org/gnome/desktop/screensaver]\nlock-enabled=true\n\n"
                    "[org/gnome/desktop/session]\nidle-delay=uint32 900\n")
    lock = desktop.screen_lock(HostRoot(root))
    assert (lock.enabled, lock.idle_seconds) == (True, 900)
    artifacts.write(root, "/etc/dconf/db/local.d/10-ukui",
                    "[org/ukui/screensaver]\nlock-enabled=false\nidle-delay=5\n")
    lock = desktop.screen_lock(HostRoot(root))
    assert (lock.enabled, lock.idle_seconds) == (False, 300)  # later file wins; UKUI in minutes
    assert any("10-ukui" in s for s in lock.sources)
    root2 = tmp_path / "dde"
    artifacts.write(root2, "/etc/dconf/db/uos.d/01-power",
                    "[com/deepin/dde/power]\nscreen-black-lock=true\n"
                    "line-power-screen-black-delay=600\n")
    lock = desktop.screen_lock(HostRoot(root2))
    assert (lock.enabled, lock.idle_seconds) == (True, 600)
    assert desktop.screen_lock(HostRoot(tmp_path / "none")).enabled is None


def test_auto_login_and_guest(tmp_path: Path) -> None:
    root = tmp_path / "root"
    artifacts.write(root, "/etc/gdm3/daemon.conf",
                    "[daemon]\nAutomaticLoginEnable = true\nAutomaticLogin = teller\n")
    artifacts.write(root, "/etc/lightdm/lightdm.conf.d/50-x.conf",
                    "[Seat:*]\nautologin-user=clerk\nallow-guest=true\n")
    artifacts.write(root, "/etc/sddm.conf.d/autologin.conf", "[Autologin]\nUser=kylin\n")
    artifacts.write(root, "/etc/passwd", "root:x:0:0::/root:/bin/bash\n"
                    "guest:x:1001:1001::/home/guest:/bin/bash\n"
                    "guestsvc:x:998:998::/:/usr/sbin/nologin\n")
    host = HostRoot(root)
    assert desktop.auto_logins(host) == [
        "/etc/gdm3/daemon.conf: teller",
        "/etc/lightdm/lightdm.conf.d/50-x.conf: clerk",
        "/etc/sddm.conf.d/autologin.conf: kylin",
    ]
    assert desktop.guest_accounts(host) == [
        "/etc/lightdm/lightdm.conf.d/50-x.conf: allow-guest=true", "/etc/passwd: guest"]


def test_password_policy(tmp_path: Path) -> None:
    root = tmp_path / "root"
    host = HostRoot(root)
    assert syssettings.password_quality(host).module is None
    artifacts.write(root, "/etc/pam.d/common-password",
                    "password\trequisite\tpam_pwquality.so retry=3\n"
                    "password\t[success=1 default=ignore]\tpam_unix.so obscure yescrypt\n")
    pw = syssettings.password_quality(host)
    assert (pw.module, pw.minlen, pw.minclass) == ("pam_pwquality", 8, 0)  # module defaults
    artifacts.write(root, "/etc/security/pwquality.conf", "# minlen = 9\nminlen = 10\n")
    artifacts.write(root, "/etc/security/pwquality.conf.d/bank.conf", "minclass = 3\n")
    pw = syssettings.password_quality(host)
    assert (pw.minlen, pw.minclass) == (10, 3)
    artifacts.write(root, "/etc/login.defs", "# PASS_MAX_DAYS 1\nPASS_MAX_DAYS\t99999\n")
    assert syssettings.pass_max_days(host) == 99999


def test_usb_storage_and_samba(tmp_path: Path) -> None:
    root = tmp_path / "root"
    host = HostRoot(root)
    assert syssettings.usb_storage_blocked(host) == []
    assert syssettings.samba_shares(host) is None
    artifacts.write(root, "/etc/modprobe.d/usb.conf", "# blacklist usb-storage\n"
                    "install usb-storage /bin/false\n")
    assert syssettings.usb_storage_blocked(host) == [
        "/etc/modprobe.d/usb.conf: install usb-storage /bin/false"]
    artifacts.write(root, "/etc/samba/smb.conf",
                    "[global]\n workgroup = RCB\n[共享资料]\n path = /srv/共享 ; team\n"
                    "[old]\n path = /srv/old\n available = no\n")
    assert syssettings.samba_shares(host) == ["共享资料: /srv/共享"]
