"""Command modules, one per concern; ``guided.cli.COMMANDS`` maps names to them."""
