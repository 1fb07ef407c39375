"""The surround-sound campaign around each approved episode (DESIGN §1): teaser clip, recap carousel, quote
graphic, write-up and behind-the-scenes caption.

Every generator here is pure production work: scripts, the locked look, the locked lead and the Persona Brief in,
files and text out. They never touch the database, Slack or a publisher, so the service can run them as idempotent
jobs and the tests can call them directly.
"""

from tools.campaign.asset import KINDS, AssetOutput, CheckedCopy, check_copy

__all__ = ["KINDS", "AssetOutput", "CheckedCopy", "check_copy"]
