"""Forms of the meters area (D7–D9): readings, bulk readings, statistics, fault reports."""
