"""Piccolo's configuration: the engine from settings and the apps from the one domain list."""

from piccolo.conf.apps import AppRegistry

from core.db import create_engine
from core.domains import piccolo_app_paths
from core.settings import get_settings

DB = create_engine(get_settings().database_url)
APP_REGISTRY = AppRegistry(apps=piccolo_app_paths())
