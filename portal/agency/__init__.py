"""The agency, its partner authorities and its offer: data an administrator changes, never code."""
