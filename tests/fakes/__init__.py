"""Small stand-ins for the services the portal talks to, served on 127.0.0.1 inside a test."""
