"""The reports app: its models arrive with their issue (see README, "Layout")."""
