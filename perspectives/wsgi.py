from __future__ import annotations

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "perspectives.settings")

application = get_wsgi_application()

# What the application loaded lives as long as the process: out of the collector's generations,
# it is no longer traversed by every full collection (the pauses a request would wait for).
gc.collect()
gc.freeze()
