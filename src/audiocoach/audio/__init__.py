"""Audio: timeline + clips -> samples."""
