from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from enum import Enum
from piccolo.columns.column_types import Varchar

ID = "2026-12-03T17:22:28:341666"
VERSION = "1.38.0"
DESCRIPTION = "choices on the invitation status columns"


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="events", description=DESCRIPTION
    )

    manager.alter_column(
        table_class_name="Invitation",
        tablename="invitation",
        column_name="kind",
        db_column_name="kind",
        params={
            "choices": Enum(
                "Kind",
                {
                    "organization": "organization",
                    "account": "account",
                    "listed": "list",
                },
            )
        },
        old_params={"choices": None},
        column_class=Varchar,
        old_column_class=Varchar,
        schema=None,
    )

    manager.alter_column(
        table_class_name="Invitation",
        tablename="invitation",
        column_name="answer",
        db_column_name="answer",
        params={
            "choices": Enum(
                "Answer",
                {
                    "pending": "pending",
                    "accepted": "accepted",
                    "declined": "declined",
                },
            )
        },
        old_params={"choices": None},
        column_class=Varchar,
        old_column_class=Varchar,
        schema=None,
    )

    manager.alter_column(
        table_class_name="InvitationCampaign",
        tablename="invitation_campaign",
        column_name="status",
        db_column_name="status",
        params={
            "choices": Enum(
                "CampaignStatus",
                {"draft": "draft", "sending": "sending", "sent": "sent"},
            )
        },
        old_params={"choices": None},
        column_class=Varchar,
        old_column_class=Varchar,
        schema=None,
    )

    return manager
