"""Adoption support: families ask for support, and the agency screens, assesses, plans, reviews and closes."""
