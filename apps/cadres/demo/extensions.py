"""Demo-data hooks for higher apps (frontline, assessment, …), which the cadres app may not import.

An app registers itself at import time (typically from its AppConfig.ready); `demo.load` calls
`run_loads` once the units, cadres and demo users exist, and `demo.reset` calls `run_resets`
before it deletes anything, so the extension's rows never block the cadres' deletion.
"""

import random
from collections.abc import Callable
from dataclasses import dataclass

Progress = Callable[[str], None]
Loader = Callable[[random.Random, Progress], dict[str, int]]
Resetter = Callable[[], None]


@dataclass(frozen=True, slots=True)
class Extension:
    name: str
    load: Loader
    reset: Resetter
    after: tuple[str, ...] = ()  # extensions whose rows this one reads when it loads


_REGISTRY: dict[str, Extension] = {}


def register(name: str, load: Loader, reset: Resetter, *, after: tuple[str, ...] = ()) -> None:
    """Add (or replace, so a re-import is harmless) the demo hook called `name`; it loads after
    the extensions named in `after` (when registered) and resets before them."""
    _REGISTRY[name] = Extension(name, load, reset, after)


def registered() -> list[str]:
    """Names in load order: dependencies first, otherwise by name (deterministic)."""
    order: list[str] = []
    visiting: set[str] = set()

    def visit(name: str) -> None:
        if name in order or name not in _REGISTRY:
            return
        if name in visiting:
            raise ValueError(f"demo extensions depend on each other in a cycle: {name}")
        visiting.add(name)
        for dep in sorted(_REGISTRY[name].after):
            visit(dep)
        visiting.discard(name)
        order.append(name)

    for name in sorted(_REGISTRY):
        visit(name)
    return order


def run_loads(rng: random.Random, progress: Progress) -> dict[str, int]:
    """Run every extension's loader in load order; returns their row counts merged.

    Each extension gets its own generator seeded from `rng`, so adding an extension does not
    change the data of the others."""
    base = rng.getrandbits(64)
    totals: dict[str, int] = {}
    for name in registered():
        own = random.Random(f"{base}-{name}")  # noqa: S311 (reproducible demo data)
        for key, n in _REGISTRY[name].load(own, progress).items():
            totals[key] = totals.get(key, 0) + n
    return totals


def run_resets() -> None:
    """Run every extension's reset, in reverse load order."""
    for name in reversed(registered()):
        _REGISTRY[name].reset()
