"""Outbox rows name the context keys that hold credentials, emptied once sent; rows sent
before this change have those keys emptied here (by template, as their senders name them)."""

import json

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import JSON
from piccolo.table import Table
from piccolo.columns.column_types import Varchar
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-03T17:37:37:362204"
VERSION = "1.38.0"
DESCRIPTION = "Empty the credentials of sent outbox messages"

_SECRET_KEYS = {
    "account_invite": ("link",),
    "password_reset": ("link",),
    "invitation": ("invitation_link", "accept_link", "decline_link"),
    "invitation_reminder": ("invitation_link", "accept_link", "decline_link"),
}
_REGISTRATION_KEYS = ("code", "manage_link")


class OutboxMessage(Table, tablename="outbox_message", schema=None):
    template = Varchar(length=80)
    status = Varchar(length=10)
    context = JSON()


async def _empty_sent_credentials() -> None:
    rows = await OutboxMessage.select(
        OutboxMessage.id, OutboxMessage.template, OutboxMessage.context
    ).where(OutboxMessage.status == "sent")
    for row in rows:
        template = row["template"]
        keys = _SECRET_KEYS.get(template)
        if keys is None and template.startswith("registration_"):
            keys = _REGISTRATION_KEYS
        context = row["context"]
        context = json.loads(context) if isinstance(context, str) else (context or {})
        if not keys or not any(context.get(key) for key in keys):
            continue
        cleared = {key: ("" if key in keys else value) for key, value in context.items()}
        await OutboxMessage.update({OutboxMessage.context: json.dumps(cleared)}).where(
            OutboxMessage.id == row["id"]
        )


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="core", description=DESCRIPTION
    )

    manager.add_column(
        table_class_name="OutboxMessage",
        tablename="outbox_message",
        column_name="secret_keys",
        db_column_name="secret_keys",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 300,
            "default": "",
            "null": False,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    manager.add_raw(_empty_sent_credentials)
    return manager
