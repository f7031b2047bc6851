"""The request boundary: one commit or rollback per request, KabinetError → flash/4xx, form tokens, headers, error pages."""
