"""The payments area's forms, one module per screen group."""
