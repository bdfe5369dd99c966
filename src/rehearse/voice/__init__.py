"""Conversation mode's ear: speech activity (Silero VAD on the CPU) and the end-of-turn rule.

Imports only numpy, onnxruntime and rehearse.base/contracts, so the api can run it in process.
`TurnListener` (listener.py) is what a live socket feeds; docs/conversation.md has the rule.
"""
