"""Meta adapters: the Graph API client shared with Instagram, and the Facebook Pages Reels publisher."""

from integrations.facebook.graph import GraphClient, GraphError
from integrations.facebook.publisher import FacebookPublisher, from_settings
from integrations.facebook.settings import FacebookSettings

__all__ = ["FacebookPublisher", "FacebookSettings", "GraphClient", "GraphError", "from_settings"]
