"""Production tools: render, continuity, schedule, publish, campaign, status. Never import Slack or Gemini here."""
