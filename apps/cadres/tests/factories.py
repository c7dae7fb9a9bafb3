"""Factories for cadre records, with valid 公民身份号码 and consistent dates."""

import itertools
from datetime import date
from typing import Any

import factory

from apps.accounts.models import ManagedBy
from apps.cadres import identity
from apps.cadres.constants import Gender
from apps.cadres.models import Cadre, Post
from apps.cadres.rules import id_number_check_char
from apps.cadres.services import pinyin_of
from apps.units.constants import Tier

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华"


_SERIALS = itertools.count(1)


def make_id_number(birth: date, gender: str, serial: int = 12) -> str:
    """A valid 18-digit number for `birth` and `gender` (region 530602 and up: fictional).
    Serials 0–99 give distinct numbers in 530602, every further hundred the next region code,
    so factories never repeat a number (cadre_id_number_unique)."""
    seq = serial * 10 % 1000 + (1 if gender == Gender.MALE else 0)
    if (seq % 2 == 1) != (gender == Gender.MALE):
        seq += 1
    region = 530602 + serial // 100 % 90
    first17 = f"{region}{birth:%Y%m%d}{seq % 1000:03d}"
    return first17 + id_number_check_char(first17)


class CadreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cadre

    name = factory.Sequence(
        lambda n: SURNAMES[n % len(SURNAMES)] + GIVEN[n % len(GIVEN)] + GIVEN[(n * 7) % len(GIVEN)]
    )
    gender = Gender.MALE
    birth_date = date(1980, 5, 17)
    work_start_date = date(2002, 7, 1)
    managed_by = ManagedBy.COUNTY

    @classmethod
    def _create(cls, model_class: type[Cadre], *args: Any, **kwargs: Any) -> Cadre:
        id_number = kwargs.pop("id_number", None)
        cadre = model_class(*args, **kwargs)
        cadre.name_pinyin, cadre.name_initials = pinyin_of(cadre.name)
        if id_number is None:
            # A counter, not random: two cadres born the same day must never share a number
            # (the duplicate check would then refuse their edits, flakily).
            id_number = make_id_number(cadre.birth_date, cadre.gender, next(_SERIALS))
        if id_number:
            (
                cadre.id_number_encrypted,
                cadre.id_number_hash,
                cadre.id_number_masked,
            ) = identity.protect(id_number)
        cadre.save()
        return cadre


class PostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Post

    title = factory.Sequence(lambda n: f"副局长{n}")
    tier = Tier.DIVISION_DEPUTY
