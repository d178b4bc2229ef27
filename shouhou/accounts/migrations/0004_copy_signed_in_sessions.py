"""Carry the signed-in sessions over from django_session to accounts_session (accounts.sessions), so that
nobody has to sign in again when this version is deployed. Expired rows are left behind."""

from django.db import migrations
from django.utils import timezone


def copy_sessions(apps, schema_editor):
    from django.contrib.auth import SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    old = apps.get_model("sessions", "Session")
    new = apps.get_model("accounts", "Session")
    users = set(apps.get_model("accounts", "User").objects.values_list("pk", flat=True))
    decoder = SessionStore()
    rows = []
    for row in old.objects.filter(expire_date__gt=timezone.now()).iterator(chunk_size=2000):
        user_id = str(decoder.decode(row.session_data).get(SESSION_KEY, ""))
        user_id = int(user_id) if user_id.isdigit() and int(user_id) in users else None
        rows.append(new(session_key=row.session_key, session_data=row.session_data, expire_date=row.expire_date,
                        user_id=user_id))
    new.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0003_session_with_user"),
        ("sessions", "0001_initial"),
    ]

    operations = [migrations.RunPython(copy_sessions, migrations.RunPython.noop)]
