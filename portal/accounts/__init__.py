"""Accounts: staff now (password and an authenticator app); public accounts build on the same parts."""
