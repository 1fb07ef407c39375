"""One module per production stage; every node starts with interrupt() so nothing before it re-runs on resume."""
