"""rq cron configuration: `rq cron app/core/jobs/cron.py --url $REDIS_URL`.

The periodic jobs are what the factory collected (the outbox sweep and each area's
`periodic_jobs`), so this file names no job itself; the application is the worker's own
(app.core.jobs.context.FACTORY)."""
from rq import cron

from app.core.jobs.context import worker_app

for job, seconds in worker_app().extensions["kabinet_periodic_jobs"]:
    cron.register(job, "kabinet", interval=seconds)
