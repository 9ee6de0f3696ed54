"""The commented default config file ``install.sh`` writes (``/etc/secaudit/config.toml``).

Every key is optional; the values shown are the embedded defaults of :mod:`secaudit.config`
(a test keeps the two equal).
"""

from __future__ import annotations

DEFAULT_CONFIG_TEXT = """\
# secaudit configuration (TOML). Every key is optional: missing keys take the defaults below.

[host]
# internet | intranet | classified  (互联网计算机 / 内网计算机 / 涉密计算机)
role = "intranet"
branch = ""
name = ""

[scan]
workers = 0                 # 0 = one worker process per core
max_file_size_mb = 512
max_container_mb = 1024
max_member_size_mb = 256
max_depth = 6
max_members = 20000
max_ratio = 200.0
file_timeout = 120.0
# OCR of scanned documents (tesseract-ocr + tesseract-ocr-chi-sim): "auto" reads images of at
# least ocr_min_pixels (smaller ones are icons): image files, pictures in Office files, image-only
# PDF/OFD pages, up to ocr_max_pages per file, about 0.7 s per A4 page on one core; "off" reports
# image files and image-only pages as not examined (unsupported).
ocr = "auto"
ocr_max_pages = 10
ocr_min_pixels = 20000
# Images found to hold no text (blank, photos without text, OCR read nothing) are remembered by
# digest -- never their text -- and not OCR'd again, even with --no-cache; "" = DIR/cache/
# ocr-verdicts.db, "off" = do not remember.
ocr_cache = ""

[policy]
path = ""                   # empty = shipped default policy (农商银行默认保密策略)

[agent]
roots = ["~/Desktop", "~/Documents", "~/Downloads", "~/桌面", "~/文档", "~/下载",
         "~/.local/share/Trash/files"]   # the last one is the recycle bin (回收站)
scan_interval = 86400.0
mail_stores = ["~/.thunderbird", "~/.icedove", "~/.local/share/evolution/mail"]
mail_addresses = []         # this host's own addresses (besides Thunderbird/Evolution identities)
removable_extra = []
media_poll_interval = 2.0
selfcheck_interval_days = 30.0     # scheduled self-inspection into the reports folder (0 = never)
selfcheck_answers = ""             # checklist answers file for it; empty = manual items unanswered
heartbeat_minutes = 15.0           # heartbeat event (ledger head, agent health); 0 = never

[connectivity]
# TCP targets host:port tried to decide whether this PC reaches the internet, e.g.
# ["www.example.com:443"]; empty = connectivity unknown (a default route proves nothing).
probes = []
probe_timeout = 2.0
interval = 60.0
# The bank's own network: probe targets inside these CIDR ranges (or under the policy's
# internal_domains) are internal and do not count as internet, e.g. ["10.0.0.0/8"].
intranet_ranges = []

[report]
lang = "zh"

# Forward ledger events to the bank's log pipeline (any number of [[forward]] tables):
# [[forward]]
# type = "file"                     # ECS JSON lines for Filebeat / Fluent Bit / Wazuh / rsyslog
# path = "/var/log/secaudit/events.ndjson"
# max_mb = 50
# keep = 5
# [[forward]]
# type = "syslog"                   # RFC 5424, octet-counted (RFC 6587), TLS (RFC 5425)
# address = "siem-relay.bank.internal:6514"
# tls = true
# ca = "/etc/secaudit/forward-ca.pem"
"""
