"""Requests from birth relatives and adopted adults: independent support, letterbox changes,
intermediary services, birth records counselling, and general advice."""
