"""The tables in the code and the committed migrations describe the same schema: moving a table
class between modules, or editing a column without a migration, shows up here as what
`piccolo migrations new <app> --auto` would write."""

from __future__ import annotations

import pytest
from piccolo.apps.migrations.commands.new import AutoMigrationManager
from piccolo.conf.apps import Finder

from core.domains import piccolo_app_paths

APPS = [path.partition(".")[0] for path in piccolo_app_paths()]


@pytest.mark.parametrize("app_name", APPS)
async def test_tables_need_no_migration_beyond_the_committed_ones(app_name: str) -> None:
    app_config = Finder().get_app_config(app_name)
    # "n" answers Piccolo's "was this column renamed?" question: a rename shows as a change.
    found = await AutoMigrationManager(auto_input="n").get_alter_statements(app_config)
    statements = [statement for alter in found for statement in alter.statements]
    assert statements == [], f"{app_name} needs a migration:\n" + "\n".join(statements)
