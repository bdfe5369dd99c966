"""How an answer was said: pace, pauses, fillers and pitch from its audio and transcript
(docs/delivery.md). Run by the cpu worker; the api never imports it (no librosa there)."""
