"""Tests for integrations/slack."""
