"""One thin module per endpoint group, each exporting ``routes()``: parse the request, call the
service, answer. Mounted by ``_app.py``."""
