"""The generative final render (issue 14): Gemini keyframes + Veo motion, a verified face-lock, behind a spend gate."""
