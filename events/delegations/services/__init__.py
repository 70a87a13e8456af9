"""The rules of delegations; events/delegations/__init__.py lists the modules."""
