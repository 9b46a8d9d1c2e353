"""Mechanisms that know no feature: database, i18n, security, access, timescales, audit, outbox."""
