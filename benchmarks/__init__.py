"""CPU-cost benchmarks of meshapi against the httpx + json floor and openai-python.

Run ``python -m benchmarks.run`` from the repository root (see ``benchmarks/README.md``).
Nothing here is a test: timings are reported, never asserted.
"""
