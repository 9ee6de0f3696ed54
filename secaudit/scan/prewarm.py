"""Imported by the workers' fork server only (``set_forkserver_preload``): the default detectors
are built and their prefilter compiled there once, and every worker forked inherits them."""

from secaudit.scan.workerproc import warm

warm()
