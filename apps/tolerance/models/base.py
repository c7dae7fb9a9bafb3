"""Shared pieces of the Pillar 4 models: the need-to-know querysets and a user field."""

from typing import ClassVar, Self

from django.conf import settings
from django.db import models

from apps.cadres.models import CadrePartQuerySet
from apps.core.scope import Action, Pillar

USER = settings.AUTH_USER_MODEL


def _user(label: str) -> models.ForeignKey:
    return models.ForeignKey(
        USER, verbose_name=label, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )


class TolerancePartQuerySet[M: models.Model](CadrePartQuerySet[M]):
    scope_pillar: ClassVar[str | None] = Pillar.TOLERANCE


class SanctionPartQuerySet[M: models.Model](CadrePartQuerySet[M]):
    """Sanction-pillar rows; soft-deleted rows (own `deleted_at`) are left out unless asked."""

    scope_pillar: ClassVar[str | None] = Pillar.SANCTIONS
    own_soft_delete: ClassVar[bool] = False

    def visible_to(
        self,
        actor: object,
        action: Action = Action.VIEW,
        *,
        include_deleted: bool = False,
        by_root: bool = False,
    ) -> Self:
        qs = super().visible_to(actor, action, include_deleted=include_deleted, by_root=by_root)
        if self.own_soft_delete and not include_deleted:
            qs = qs.filter(deleted_at__isnull=True)
        return qs
