"""rq cron configuration: `rq cron app/core/jobs/cron.py --url $REDIS_URL`.

The periodic jobs are what the factory collected (the outbox sweep and each area's
`periodic_jobs`), so this file names no job itself."""
from rq import cron

from app import create_app

for job, seconds in create_app().extensions["kabinet_periodic_jobs"]:
    cron.register(job, "kabinet", interval=seconds)
