"""Cliffhanger agent: domain, store, graph and the composition root (CLI)."""
