"""Pure, deterministic generators: the text model, embeddings, pictures, the voice, chunking,
vector ranking. Same input, same output; no gateway state. Imports ``_formats`` and ``_core``."""
