"""Shared code for every rehearse service: settings, job contract, queues, storage, events."""
