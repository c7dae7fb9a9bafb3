"""WSGI entry point."""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.prod")
application = get_wsgi_application()

# What start-up built (modules, models, URL patterns, registries) lives as long as the process.
# Freezing it takes it out of the collector's generations, so a full collection no longer walks
# it: measured at 1M cadres, that collection paused one request in a few hundred for 150–200 ms;
# frozen, the slowest of 1,350 requests took < 50 ms (docs/benchmarks.md, session 6).
gc.freeze()
