"""The fork server of the worker processes, started as soon as a scan knows it will read files.

Starting it costs ~0.25 s of one core before the first worker exists: a Python interpreter,
the modules of :data:`PRELOAD`, and the default detectors and their prefilter built once
(:mod:`.prewarm`). :func:`start_fork_server` starts it without waiting, so that time runs on the
second core while the scan command loads its own modules, the policy and the cache; the
:class:`~secaudit.scan.workers.WorkerPool` then finds it running. Deliberately a small module:
importing it must not delay the start.
"""

from __future__ import annotations

from pathlib import Path

CACHE_FILE = "scan-cache.db"
"""The scan cache's file in the home's cache folder (:class:`~secaudit.scan.cache.ScanCache`)."""
PRELOAD = ["secaudit.scan.prewarm", "secaudit.extract.registry"]
"""Modules the fork server imports once; every worker forked from it starts with them."""


def start_fork_server() -> None:
    """Start the fork server (and multiprocessing's resource tracker) now, in the background;
    nothing happens when it runs already."""
    import multiprocessing as mp
    from multiprocessing import forkserver

    mp.get_context("forkserver").set_forkserver_preload(PRELOAD)
    forkserver.ensure_running()


def reads_every_file(cache_dir: Path, use_cache: bool) -> bool:
    """Whether a scan will hand every file to the workers: no scan cache serves any
    (``--no-cache``, or none written yet). Otherwise an unchanged rescan may need no worker at
    all, and the fork server starts with the first file that is not in the cache."""
    return not use_cache or not (cache_dir / CACHE_FILE).exists()
