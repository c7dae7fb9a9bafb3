"""The WSGI entry point freezes what start-up built, out of the garbage collector's reach."""

import gc
import importlib


def test_wsgi_entry_point_freezes_startup_objects():
    gc.unfreeze()
    assert gc.get_freeze_count() == 0
    try:
        module = importlib.reload(importlib.import_module("config.wsgi"))
        assert callable(module.application)
        assert gc.get_freeze_count() > 10_000  # Django, the apps, their models and URLs
    finally:
        gc.unfreeze()
