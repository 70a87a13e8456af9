"""Piccolo app registration for `events`: its tables and migrations."""

from pathlib import Path

from piccolo.conf.apps import AppConfig, table_finder

APP_CONFIG = AppConfig(
    app_name="events",
    migrations_folder_path=str(Path(__file__).parent / "piccolo_migrations"),
    table_classes=table_finder(
        modules=[
            "events.tables",
            "events.invitations.tables",
            "events.delegations.tables",
            "events.roadshows.tables",
        ],
        exclude_imported=True,
    ),
    migration_dependencies=["core.piccolo_app"],
    commands=[],
)
