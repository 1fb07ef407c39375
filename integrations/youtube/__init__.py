"""YouTube Shorts adapter: Data API v3 through google-api-python-client (upload, season playlist, statistics)."""

from integrations.youtube.client import QuotaBook, YouTubeClient, YouTubeError
from integrations.youtube.publisher import YouTubePublisher, from_settings
from integrations.youtube.settings import YouTubeSettings

__all__ = ["QuotaBook", "YouTubeClient", "YouTubeError", "YouTubePublisher", "YouTubeSettings", "from_settings"]
