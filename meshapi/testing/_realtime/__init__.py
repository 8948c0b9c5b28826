"""The realtime session: client events in, server events out, through a ``send`` callback; the
WebSocket loop that drives it is in ``_http/websocket.py``."""
