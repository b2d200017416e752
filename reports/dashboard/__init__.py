"""BFU's dashboard (/dashboard/): its selectors (aggregates in SQL), the builder that shapes them
into sections and charts (shared with the report's snapshot), its filter form and its view."""
