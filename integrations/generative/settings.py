"""The generative backend's own settings (environment variables GENERATIVE_*, plus Google Cloud's usual names).

Prices are list prices per unit that an operator keeps current (they change); the defaults are the published
Vertex AI prices when this was written (2026-12) and are only used to *estimate*: the estimate is what an approver
approves, and spending never passes it.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from agent.plugins import PluginSettings
from tools.identity import DEFAULT_LOCK_THRESHOLD


class GenerativeSettings(PluginSettings):
    """What the `generative` backend needs; every field is GENERATIVE_<NAME> unless it names its own variable."""

    model_config = SettingsConfigDict(env_prefix="GENERATIVE_", env_file=None, extra="ignore",
                                      populate_by_name=True)

    # ---- where the models run -------------------------------------------------------------------------------
    google_api_key: SecretStr | None = Field(default=None, validation_alias="GOOGLE_API_KEY",
                                             description="Gemini key for keyframes (Developer API).")
    gemini_base_url: str | None = Field(default=None, validation_alias="GEMINI_BASE_URL",
                                        description="Gemini endpoint for keyframes (a stand-in in tests).")
    project: str | None = Field(default=None, validation_alias="GOOGLE_CLOUD_PROJECT",
                                description="Google Cloud project for Veo (Vertex AI); absent → camera moves.")
    location: str = Field(default="us-central1", validation_alias="GOOGLE_CLOUD_LOCATION",
                          description="Vertex AI region for Veo.")
    vertex_base_url: str | None = Field(default=None, validation_alias="VERTEX_BASE_URL",
                                        description="Vertex AI endpoint (a stand-in in tests).")
    vertex_access_token: SecretStr | None = Field(
        default=None, validation_alias="VERTEX_ACCESS_TOKEN",
        description="A bearer token for Vertex AI; absent → application default credentials "
                    "(GOOGLE_APPLICATION_CREDENTIALS / gcloud).")
    image_model: str = Field(default="gemini-2.5-flash-image", description="Keyframe model.")
    veo_model: str = Field(default="veo-3.1-generate-001", description="Veo model on Vertex AI.")
    motion: Literal["auto", "veo", "camera"] = Field(
        default="auto", description="veo, camera (a move over the keyframe), or auto (veo when a project is set).")
    dialogue: Literal["voice", "veo"] = Field(
        default="voice", description="Who speaks: the per-character voices (TTS), or Veo's own audio.")
    # ---- face-lock ----------------------------------------------------------------------------------------------
    identity_lock: float = Field(default=DEFAULT_LOCK_THRESHOLD,
                                 description="Face distance at or under which a shot keeps the character "
                                             "(dlib's usual same-person cut-off is 0.6).")
    max_candidates: int = Field(default=3, ge=1, le=8,
                                description="Keyframes (and clips) tried per shot before a miss is flagged.")
    frames_per_clip: int = Field(default=3, ge=1, le=12, description="Frames of each clip checked for identity.")
    # ---- prices and rates (estimates) -------------------------------------------------------------------------
    keyframe_usd: float = Field(default=0.039, description="USD per keyframe image (Gemini 2.5 Flash Image).")
    veo_usd_per_second: float = Field(default=0.20, description="USD per second of Veo video without audio "
                                                                  "(0.40 with audio).")
    veo_audio_usd_per_second: float = Field(default=0.40, description="USD per second with Veo's own audio.")
    tts_usd_per_line: float = Field(default=0.002, description="USD per spoken line (Gemini TTS).")
    keyframe_seconds: float = Field(default=15.0, description="Wall seconds per keyframe until measured.")
    veo_seconds_per_second: float = Field(default=12.0,
                                          description="Wall seconds per second of Veo video until measured.")
    tts_seconds: float = Field(default=3.0, description="Wall seconds per line until measured.")
    regeneration_reserve: float = Field(default=0.25, ge=0, le=2,
                                        description="Share of extra calls estimated for face-lock regenerations.")
    season_budget_usd: float = Field(default=400.0, description="Per-season cap on approved generative spend.")
    # ---- calls ------------------------------------------------------------------------------------------------
    poll_interval_s: float = Field(default=10.0, description="Seconds between Veo operation polls.")
    veo_timeout_s: float = Field(default=900.0, description="Give up on a Veo clip after this many seconds.")
    attempts: int = Field(default=4, ge=1, description="Tries per call on 429/5xx (exponential backoff).")
    backoff_s: float = Field(default=2.0, description="First backoff delay; doubles each try.")

    @property
    def key(self) -> str | None:
        value = self.google_api_key.get_secret_value() if self.google_api_key else ""
        return value or None

    @property
    def uses_veo(self) -> bool:
        return self.motion == "veo" or (self.motion == "auto" and bool(self.project))
