from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cadres", "0003_cadre_name_order"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="cadre",
            constraint=models.UniqueConstraint(
                condition=models.Q(("id_number_hash", ""), _negated=True),
                fields=("id_number_hash",),
                name="cadre_id_number_unique",
            ),
        ),
    ]
