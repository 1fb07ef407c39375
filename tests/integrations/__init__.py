"""Tests for integrations/."""
