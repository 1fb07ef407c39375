"""Gemini adapters: the Brain (langchain-google-genai) and its small structured-output client."""
