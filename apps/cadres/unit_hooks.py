"""What a unit merge does to cadre data. The units app may not import cadres, so the merge view
looks this hook up by dotted path and hands it to `apps.units.services.unit_merge`."""

from typing import Any

from django.db.models import F
from django.utils import timezone

from apps.units.models import Unit

from .models import Cadre, Post


def _free_title(title: str, source: Unit, taken: set[str]) -> str:
    """A post title not used in the target: "<title>（原<source>）", numbered if still taken."""
    candidate = f"{title}（原{source.name}）"[:100]
    n = 2
    while candidate in taken:
        candidate = f"{title}（原{source.name}{n}）"[:100]
        n += 1
    return candidate


def reassign_unit(source: Unit, target: Unit) -> dict[str, Any]:
    """Move the source unit's cadres (including those in the trash) and posts to the target.

    Runs inside unit_merge's transaction (its audit and UnitEvent carry the actor and these
    counts). A post whose title already exists in the target is renamed with a suffix; moved
    cadres get a new version so stale edit forms cannot put them back.
    """
    cadres = Cadre.objects.unscoped_for_jobs_and_migrations().filter(unit=source)
    cadre_ids = sorted(cadres.values_list("pk", flat=True))
    moved_cadres = cadres.update(unit=target, version=F("version") + 1, updated_at=timezone.now())
    taken = set(Post.objects.filter(unit=target).values_list("title", flat=True))
    renamed: dict[str, str] = {}
    posts = list(Post.objects.select_for_update().filter(unit=source).order_by("pk"))
    for post in posts:
        if post.title in taken:
            new_title = _free_title(post.title, source, taken)
            renamed[post.title] = new_title
            post.title = new_title
        taken.add(post.title)
        post.unit = target
        post.save(update_fields=["unit", "title"])
    return {
        "cadres": moved_cadres,
        "cadre_ids": cadre_ids,
        "posts": len(posts),
        "posts_renamed": renamed,
    }
