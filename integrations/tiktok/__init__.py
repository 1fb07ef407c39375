"""TikTok Content Posting API adapter: an httpx client, a crash-safe publisher, and where it keeps publish_ids."""

from integrations.tiktok.client import (
    CreatorInfo,
    PublishStatus,
    TikTokClient,
    TikTokError,
    UploadPlan,
    plan_chunks,
)
from integrations.tiktok.publisher import TikTokPublisher, from_settings
from integrations.tiktok.state import JsonFileState, PublishState

__all__ = [
    "CreatorInfo", "JsonFileState", "PublishState", "PublishStatus", "TikTokClient", "TikTokError", "TikTokPublisher",
    "UploadPlan", "from_settings", "plan_chunks",
]
