"""rasa-sdk actions: every thing the bot does, usable in-process or by a Rasa server."""
