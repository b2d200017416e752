"""The visitation app: its models arrive with their issue (see README, "Layout")."""
