from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from enum import Enum
from piccolo.columns.column_types import Varchar

ID = "2026-12-03T18:00:20:887279"
VERSION = "1.38.0"
DESCRIPTION = "choices on the visa letter status"


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="events", description=DESCRIPTION
    )

    manager.alter_column(
        table_class_name="VisaLetter",
        tablename="visa_letter",
        column_name="status",
        db_column_name="status",
        params={
            "choices": Enum(
                "LetterStatus",
                {
                    "pending": "pending",
                    "ready": "ready",
                    "failed": "failed",
                    "superseded": "superseded",
                    "purged": "purged",
                },
            )
        },
        old_params={"choices": None},
        column_class=Varchar,
        old_column_class=Varchar,
        schema=None,
    )

    return manager
