"""The application layer: each use case, end to end, in one place.

Entry points — Slack listeners, the terminal, the graph's review node, the worker's sweep — parse their input,
call one use case here and render what comes back. A use case records (through the deterministic services and the
one approval gate), returns typed domain events (`agent.app.events`), and runs the one follow-up step
(`agent.app.followups`): cards refreshed, campaign started, "all approved" said, refusals told privately. So a
:+1: on a card, an Approve button, a typed `:+1: 3` and a confirmed batch all get the same consequences.

Modules: votes (reaction, button, typed), changes (request a change + scoped redo), batch ("approve 4–6"),
approvers (who approves, roles, quorum — creator or approvers only), releases (schedule, confirm mode's Publish,
publish what is due), production (cancel rendering, render again, post ep N again).
"""
