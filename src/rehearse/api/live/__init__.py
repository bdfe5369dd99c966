"""Conversation mode: `WS /v1/interviews/{id}/live` (docs/conversation.md)."""
