"""Stage 2: turn source documents into entities and check them."""
