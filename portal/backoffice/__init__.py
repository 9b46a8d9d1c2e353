"""The staff back office: home, queues across services, the outbox, and (later) reports."""
