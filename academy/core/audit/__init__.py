"""Audit log of admin, manager, reviewer and moderator actions."""
