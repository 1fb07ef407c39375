"""Adapters that implement agent.ports against the outside world (and local stand-ins for it)."""
