"""Becoming an adopter: enquiries now; registration of interest and the two stages build on them."""
