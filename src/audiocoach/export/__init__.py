"""Export: samples -> audio files, tags, chapters, cue sheets, split pieces."""
