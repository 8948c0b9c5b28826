"""Bytes in and out, knowing nothing about the gateway: PDF and other documents as text, WAV
and audio payloads, PNG/JPEG/WebP encoders, SSE framing. Imports only ``_core``."""
