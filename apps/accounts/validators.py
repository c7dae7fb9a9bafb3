"""Password policy beyond Django's validators (等保 2.0: mixed character classes)."""

import re

from django.core.exceptions import ValidationError


class CharacterClassValidator:
    """At least three of: upper case, lower case, digits, symbols."""

    min_classes = 3

    def validate(self, password: str, user: object = None) -> None:
        classes = [r"[A-Z]", r"[a-z]", r"[0-9]", r"[^A-Za-z0-9]"]
        found = sum(1 for pattern in classes if re.search(pattern, password))
        if found < self.min_classes:
            raise ValidationError(
                "密码须至少包含大写字母、小写字母、数字、特殊符号中的三类。",
                code="password_character_classes",
            )

    def get_help_text(self) -> str:
        return "密码须至少包含大写字母、小写字母、数字、特殊符号中的三类。"
