"""The embedded product for `cliffhanger demo` and the end-to-end tests: Slack emulator + real Bolt app + workers.

It lives in integrations/ because it drives the Slack emulator; agent/ never imports it.
"""
