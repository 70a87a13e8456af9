"""The rules of invitations, one module per step; events/invitations/__init__.py lists them."""
