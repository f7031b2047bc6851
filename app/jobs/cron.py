"""rq cron configuration: `rq cron app/jobs/cron.py --url $REDIS_URL`."""
from rq import cron

from app.jobs.notifications import sweep_outbox

cron.register(sweep_outbox, "kabinet", interval=60)
