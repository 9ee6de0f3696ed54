from __future__ import annotations

import sys

from secaudit.cli import main

sys.exit(main())
