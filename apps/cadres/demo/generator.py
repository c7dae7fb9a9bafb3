"""Write the demo city to the database: units, posts, 职数, cadres (streamed in chunks), users.

Bulk generation code: it uses plain managers and bulk_create, never the request-scoped API.
Memory stays flat: people are generated, written and dropped one chunk at a time.
"""

import random
from bisect import bisect
from collections.abc import Callable
from itertools import accumulate
from typing import Any

from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.models import Max

from apps.cadres.models import Cadre, Post
from apps.core import audit
from apps.units.models import PostQuota, Unit

from . import extensions
from .biography import make_person
from .people import IdNumbers
from .plan import ROOT_CODE, Plan, build_plan
from .rows import PART_MODELS, RowBuilder
from .users import ensure_users

LEADER_SHARE = 0.6  # at most this share of cadres hold a leadership post
Progress = Callable[[str], None]


class DemoExistsError(Exception):
    """Demo data is already loaded and --reset was not given."""


def _create_units(plan: Plan, batch: int) -> list[int]:
    """Bulk-create the tree with ids chosen here, so paths are known without a second pass."""
    base = (Unit.objects.aggregate(m=Max("id"))["m"] or 0) + 1
    ids = [base + i for i in range(len(plan.units))]
    paths: list[str] = []
    depths: list[int] = []
    rows = []
    for i, u in enumerate(plan.units):
        parent = u.parent
        path = f"{paths[parent] if parent is not None else '/'}{ids[i]}/"
        depth = depths[parent] + 1 if parent is not None else 0
        paths.append(path)
        depths.append(depth)
        rows.append(
            Unit(
                id=ids[i],
                name=u.name,
                short_name=u.short_name,
                code=u.code,
                level=u.level,
                kind=u.kind,
                parent_id=ids[parent] if parent is not None else None,
                path=path,
                depth=depth,
                sort_order=u.sort_order,
            )
        )
    Unit.objects.bulk_create(rows, batch_size=batch)
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [Unit]):
            cursor.execute(sql)
    return ids


def _create_posts(plan: Plan, unit_ids: list[int], batch: int) -> list[int]:
    posts = [
        Post(unit_id=unit_ids[p.unit], title=p.title, tier=p.tier, sort_order=p.sort_order)
        for p in plan.posts
    ]
    Post.objects.bulk_create(posts, batch_size=batch)
    PostQuota.objects.bulk_create(
        [
            PostQuota(unit_id=unit_ids[u], tier=tier, approved=n, note="示编〔2024〕12号")
            for (u, tier), n in plan.quotas.items()
        ],
        batch_size=batch,
    )
    return [p.pk for p in posts]


def _write_chunk(builder: RowBuilder, people: list[Any], batch: int) -> dict[str, int]:
    cadres = [builder.cadre(p) for p in people]
    Cadre.objects.bulk_create(cadres, batch_size=batch)
    parts: dict[type[models.Model], list[Any]] = {m: [] for m in PART_MODELS}
    for cadre, person in zip(cadres, people, strict=True):
        for model, rows in builder.parts(cadre, person).items():
            parts[model].extend(rows)
    counts = {"cadres": len(cadres)}
    for model, rows in parts.items():
        model._default_manager.bulk_create(rows, batch_size=batch)
        counts[model._meta.model_name or ""] = len(rows)
    return counts


def load(
    *,
    seed: int = 2026,
    cadres: int = 3000,
    units: int | None = None,
    batch: int = 5000,
    progress: Progress | None = None,
    with_pillars: bool = True,
) -> dict[str, int]:
    """Generate the demo city; returns row counts. Refuses when demo data already exists.
    `with_pillars=False` leaves out the pillars' demo rows (the cadre-list benchmark)."""
    say = progress or (lambda _msg: None)
    if Unit.objects.filter(code=ROOT_CODE).exists():
        raise DemoExistsError("示范数据已存在，如需重新生成请加 --reset")
    plan = build_plan(seed, units)
    with transaction.atomic():
        unit_ids = _create_units(plan, batch)
        post_ids = _create_posts(plan, unit_ids, batch)
    say(f"单位 {len(unit_ids)} 个，职务 {len(post_ids)} 个")
    totals: dict[str, int] = {"units": len(unit_ids), "posts": len(post_ids)}
    builder = RowBuilder(plan, unit_ids, post_ids)
    rng = random.Random(f"{seed}-people")  # noqa: S311 (reproducible demo data)
    ids = IdNumbers()
    cum = list(accumulate(u.weight for u in plan.units))
    leaders = min(len(plan.seats), round(cadres * LEADER_SHARE))
    for start in range(0, cadres, batch):
        people = []
        for i in range(start, min(cadres, start + batch)):
            seat = i * leaders // cadres
            if (i + 1) * leaders // cadres > seat:  # leaders spread evenly through the stream
                post: int | None = plan.seats[seat]
                unit = plan.posts[plan.seats[seat]].unit
            else:
                post, unit = None, bisect(cum, rng.random() * cum[-1])
            people.append(make_person(rng, plan, ids, unit, post))
        with transaction.atomic():
            for key, n in _write_chunk(builder, people, batch).items():
                totals[key] = totals.get(key, 0) + n
        say(f"干部 {min(cadres, start + batch)}/{cadres}")
    root = Unit.objects.get(code=ROOT_CODE)
    counties = [Unit.objects.get(pk=unit_ids[c.unit]) for c in plan.counties[:2]]
    with transaction.atomic():
        ensure_users(root, counties)
        rng = random.Random(f"{seed}-extensions")  # noqa: S311 (reproducible demo data)
        if with_pillars:
            totals.update(extensions.run_loads(rng, say))  # registered by the pillar apps
        totals["over_establishment_units"] = len(plan.over_establishment)
        audit.record(
            action="demo.load",
            actor=None,
            actor_name="system",
            target=root,
            detail={"seed": seed, **totals},
        )
    return totals


def reset(progress: Progress | None = None, batch: int = 5000) -> dict[str, int]:
    """Delete the demo city (its whole subtree, cadres, posts, grants); users and audit stay."""
    from apps.accounts.models import ScopeGrant, User

    say = progress or (lambda _msg: None)
    root = Unit.objects.filter(code=ROOT_CODE).first()
    if root is None:
        return {}
    extensions.run_resets()  # rows of higher apps first: they point at the cadres and units
    in_tree = {"unit__path__startswith": root.path}
    ScopeGrant.objects.filter(**in_tree).delete()
    User.objects.filter(**in_tree).update(unit=None)
    cadres = Cadre.objects.unscoped_for_jobs_and_migrations().filter(**in_tree)
    deleted = 0
    while ids := list(cadres.values_list("pk", flat=True)[:batch]):
        with transaction.atomic():
            Cadre.objects.filter(pk__in=ids).delete()
        deleted += len(ids)
        say(f"已删除干部 {deleted}")
    Post.objects.filter(**in_tree).delete()
    units = Unit.objects.filter(path__startswith=root.path)
    n_units = units.count()
    with transaction.atomic():
        units.update(merged_into=None)
        for depth in sorted(set(units.values_list("depth", flat=True)), reverse=True):
            units.filter(depth=depth).delete()
        audit.record(
            action="demo.reset",
            actor=None,
            actor_name="system",
            detail={"cadres": deleted, "units": n_units},
        )
    return {"cadres": deleted, "units": n_units}
