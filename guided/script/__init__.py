"""Scripts: the YAML a person writes, read safely and turned into the immutable model.

``yamlfile`` (the one careful YAML reader) → ``loader`` (format 1 → ``model.Script``) ;
``library`` finds a script by name; ``checks`` says what `guided check` reports;
``schema`` publishes the format for editors; ``durations`` and ``varsfile`` read
what people type.
"""
