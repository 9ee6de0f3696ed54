"""Sources: where the agent learns about files, media, mail and the network.

Every module reads the operating system and returns plain values (``secaudit.model`` types or
small frozen dataclasses of its own); none of them scans, judges or writes the ledger. That is
the agent's job (``secaudit.agent.daemon``). Everything OS-specific (Linux sysfs, /proc, udev, the
kernel log) lives here, so a port to another OS replaces these modules only.

- ``removable``    mounted removable media (sysfs/udev/mountinfo) and how to identify them
- ``connectivity`` routes, interfaces and configured TCP probes -> connected or not
- ``mailstores``   Thunderbird/Icedove mbox folders, Maildir, .eml/.msg folders, incrementally
- ``usbhistory``   USB storage devices seen in the kernel log / journal
- ``hostfacts``    hostname, OS, role

To add a source, write a module with one public function returning values, and wire it in
``secaudit.agent.daemon``. May import the core, ``ledger``, ``extract`` and ``scan``; never
``report``, ``agent`` or a later stage.
"""

from __future__ import annotations
