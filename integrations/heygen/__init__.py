"""HeyGen: an avatar video backend (the lead as a HeyGen avatar, composited into our locked look)."""
