#!/usr/bin/env bash
# secaudit installer — idempotent; run it again to upgrade.
#
#   ./install.sh                 install for this machine (root: /opt/secaudit, /etc/secaudit,
#                                /var/lib/secaudit, service; non-root: ~/.local/…)
#   ./install.sh --dev           development: ./.venv with test dependencies (+ Debian test tools)
#   ./install.sh --prefix DIR    staged install under DIR (no apt, no service)
#   ./install.sh --uninstall     remove program, link and service; keeps config, ledger, reports
#   ./install.sh --no-service    do not install the systemd unit
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
mode=install prefix="" service=1
while [ $# -gt 0 ]; do
  case "$1" in
    --dev) mode=dev ;;
    --uninstall) mode=uninstall ;;
    --prefix) prefix="${2:?--prefix needs a folder}"; shift ;;
    --prefix=*) prefix="${1#--prefix=}" ;;
    --no-service) service=0 ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "install.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

say() { printf 'install.sh: %s\n' "$*"; }
is_root() { [ "$(id -u)" -eq 0 ]; }
have() { command -v "$1" >/dev/null 2>&1; }

apt_updated=0
apt_install() {
  # Debian packages, only as root and only those missing.
  is_root && have apt-get || { say "cannot install $* (not root or no apt-get); continuing"; return 0; }
  local missing=()
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ $apt_updated -eq 0 ]; then say "apt-get update"; apt-get update -qq; apt_updated=1; fi
  say "apt-get install ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# Where things go.
if [ -n "$prefix" ]; then
  prefix="$(mkdir -p "$prefix" && cd "$prefix" && pwd)"
  venv="$prefix/opt/secaudit"; bindir="$prefix/usr/local/bin"
  etc="$prefix/etc/secaudit"; data="$prefix/var/lib/secaudit"; keys="$etc/keys"; service=0
elif [ "$mode" = dev ]; then
  venv="$here/.venv"; bindir=""; etc=""; data=""; keys=""; service=0
elif is_root; then
  venv="/opt/secaudit"; bindir="/usr/local/bin"
  etc="/etc/secaudit"; data="/var/lib/secaudit"; keys="$etc/keys"
else
  venv="$HOME/.local/opt/secaudit"; bindir="$HOME/.local/bin"
  etc="${XDG_CONFIG_HOME:-$HOME/.config}/secaudit"; data="${XDG_DATA_HOME:-$HOME/.local/share}/secaudit"
  keys="$data/keys"; service=0
fi
unit=/etc/systemd/system/secaudit.service

if [ "$mode" = uninstall ]; then
  if [ -f "$unit" ] && is_root; then
    systemctl disable --now secaudit.service 2>/dev/null || true
    rm -f "$unit"; systemctl daemon-reload 2>/dev/null || true
    say "removed service"
  fi
  [ -n "$bindir" ] && rm -f "$bindir/secaudit"
  rm -rf "$venv"
  say "removed $venv; kept config ($etc), ledger and reports ($data)"
  exit 0
fi

# Python with venv support (Debian's python3 needs python3-venv for ensurepip).
python3 -c 'import venv, ensurepip' 2>/dev/null || apt_install python3-venv
# A Chinese system font: PDFium falls back to it for PDFs whose CJK fonts are not embedded
# (without one, characters of such PDFs are lost); report readers need it too. WenQuanYi Micro
# Hei is small and TrueType, which PDFium reads about 6x faster than the CFF outlines of Noto CJK
# (the same text comes out: docs/benchmarks.md). unar (free) decompresses RAR members, which
# would otherwise be reported "unsupported" with their names only. tesseract-ocr with chi_sim
# reads scanned documents (image files, image-only PDF pages): config [scan] ocr.
[ -z "$prefix" ] && apt_install fonts-wqy-microhei unar tesseract-ocr tesseract-ocr-chi-sim tesseract-ocr-osd
if [ "$mode" = dev ]; then
  # Test tools: headless browser for report rendering, minisign, filesystem tools for
  # loop-mounted USB-stick images, iproute2 for network namespaces, rsyslog + rsyslog-gnutls as
  # the TLS syslog collector the forwarding tests start (never the system one), systemd for
  # `systemd-analyze security` on the unit (util-linux gives setpriv).
  apt_install chromium firefox-esr fonts-wqy-microhei fonts-noto-cjk minisign dosfstools e2fsprogs util-linux mount iproute2 procps unar tesseract-ocr tesseract-ocr-chi-sim tesseract-ocr-osd rsyslog rsyslog-gnutls systemd
fi

if [ ! -x "$venv/bin/python" ]; then
  say "creating virtual environment $venv"
  python3 -m venv "$venv"
fi
"$venv/bin/python" -m pip install -q --disable-pip-version-check --upgrade pip >/dev/null
if [ "$mode" = dev ]; then
  say "installing secaudit (editable) with test dependencies into $venv"
  "$venv/bin/python" -m pip install -q --disable-pip-version-check -e "$here[dev]"
  say "done: run tests with $venv/bin/python -m pytest"
  exit 0
fi
say "installing secaudit into $venv"
"$venv/bin/python" -m pip install -q --disable-pip-version-check --upgrade "$here"

mkdir -p "$bindir"
ln -sfn "$venv/bin/secaudit" "$bindir/secaudit"
say "linked $bindir/secaudit"

mkdir -p "$etc" "$data" "$data/cache" "$data/reports" "$data/run" "$keys"
chmod 0755 "$etc"
chmod 0700 "$data" "$data/cache" "$data/reports" "$data/run" "$keys"
if [ ! -f "$etc/config.toml" ]; then
  "$venv/bin/python" -c 'from secaudit.config import DEFAULT_CONFIG_TEXT as t; print(t, end="")' > "$etc/config.toml"
  chmod 0644 "$etc/config.toml"
  say "wrote default config $etc/config.toml"
else
  say "kept existing config $etc/config.toml"
fi

if [ ! -f "$keys/secaudit.key" ]; then
  say "generating the report signing key in $keys"
  "$venv/bin/secaudit" keygen --out "$keys" | sed 's/^/install.sh:   /'
else
  say "kept existing signing key in $keys"
fi

if [ "$service" -eq 1 ]; then
  if [ "$(cat /proc/1/comm 2>/dev/null)" = systemd ] && have systemctl; then
    install -m 0644 "$here/packaging/secaudit.service" "$unit"
    have systemd-analyze && systemd-analyze verify "$unit" || true
    systemctl daemon-reload && systemctl enable --now secaudit.service
    say "service secaudit.service enabled and started"
  else
    say "systemd is not PID 1 here: service not installed (run 'secaudit agent' in the foreground)"
  fi
fi
say "installed secaudit $("$venv/bin/secaudit" --version | cut -d' ' -f2)"
