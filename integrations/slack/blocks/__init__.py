"""Block Kit builders: small functions returning typed blocks, never JSON inlined in handlers."""
