"""The billing area's forms, one module per screen group (cabinet, details, staff, exchange)."""
