"""LinkedIn adapter: Videos API (initializeUpload → part PUTs → finalizeUpload) and a Posts API video post."""

from integrations.linkedin.publisher import LinkedInClient, LinkedInError, LinkedInPublisher, from_settings
from integrations.linkedin.settings import LinkedInSettings

__all__ = ["LinkedInClient", "LinkedInError", "LinkedInPublisher", "LinkedInSettings", "from_settings"]
