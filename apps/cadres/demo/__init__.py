"""Deterministic demo data: the fictional prefecture-level city 示范市 (load_demo, bench)."""

from .generator import DemoExistsError, load, reset
from .plan import ROOT_CODE
from .users import DEMO_PASSWORD, DEMO_USERS, login_table

__all__ = [
    "DEMO_PASSWORD",
    "DEMO_USERS",
    "ROOT_CODE",
    "DemoExistsError",
    "load",
    "login_table",
    "reset",
]
