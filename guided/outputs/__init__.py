"""Where the rendered blocks go: the live player (with its screen and keys), audio
files with tags and chapters, timed transcripts, and client bundles."""
