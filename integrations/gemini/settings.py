"""Gemini's own settings (GOOGLE_API_KEY, GEMINI_*), shared by the Gemini brain, portraits and voice plug-ins."""

from __future__ import annotations

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from agent.plugins import PluginSettings


class GeminiSettings(PluginSettings):
    """Without a key every Gemini plug-in stands aside: the offline brain, portraits and voices run instead."""

    model_config = SettingsConfigDict(env_prefix="GEMINI_", env_file=None, extra="ignore", populate_by_name=True)

    google_api_key: SecretStr | None = Field(default=None, validation_alias="GOOGLE_API_KEY",
                                             description="Gemini key; absent → the offline brain.")
    model: str = Field(default="gemini-2.5-flash", description="Gemini chat model name (GEMINI_MODEL).")
    base_url: str | None = Field(default=None, description="Gemini endpoint (GEMINI_BASE_URL; a stand-in in tests).")
    tts_model: str = Field(default="gemini-2.5-flash-preview-tts",
                           description="Text-to-speech model for the Gemini voice (GEMINI_TTS_MODEL).")

    @property
    def key(self) -> str | None:
        """The key as a plain string, or None when unset or empty (unwrapped here only)."""
        value = self.google_api_key.get_secret_value() if self.google_api_key else ""
        return value or None
