"""The invitation tables live in their own module of the `events` Piccolo app: its migrations
still describe them exactly, so moving them needed no schema change."""

from __future__ import annotations

from piccolo.apps.migrations.commands.new import AutoMigrationManager
from piccolo.conf.apps import Finder

from events.invitations.tables import Invitation, InvitationCampaign


async def test_the_events_migrations_describe_the_tables_as_they_are_with_nothing_to_do() -> None:
    app = Finder().get_app_config("events")
    assert {Invitation, InvitationCampaign} <= set(app.table_classes)
    changes = await AutoMigrationManager(auto_input="n").get_alter_statements(app_config=app)
    assert [statement for change in changes for statement in change.statements] == []
