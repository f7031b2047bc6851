"""What every area stands on: database, audit, files, settings, notifications, jobs, formatting."""
