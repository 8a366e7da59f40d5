"""Accounts: sign-up, confirmation, log in and out, password reset, profile."""
