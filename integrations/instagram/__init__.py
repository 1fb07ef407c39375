"""Instagram Reels adapter (Graph API content publishing: container → resumable upload → status → publish)."""

from integrations.instagram.publisher import InstagramPublisher, from_settings
from integrations.instagram.settings import InstagramSettings

__all__ = ["InstagramPublisher", "InstagramSettings", "from_settings"]
