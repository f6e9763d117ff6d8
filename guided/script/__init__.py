"""Scripts: the YAML a person writes, read safely and turned into the immutable model.

``yamlfile`` (the careful file reader: size, UTF-8, safe composing, bracket depth,
plain tags) → ``nodes`` (typed values and the node budget, shared with journeys and
variables files) → ``loader`` (format 1 → ``model.Script``); ``library`` finds a
script by name; ``checks`` says what `guided check` reports; ``schema`` publishes
the format for editors; ``suggest`` offers "did you mean"; ``durations`` and
``varsfile`` read what people type.
"""
