"""rehearse: a self-hosted backend and web client for voice mock interviews."""
