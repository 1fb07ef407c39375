"""Slack adapter: the Bolt app, its listeners, Block Kit builders, the review poster and the local emulator."""
