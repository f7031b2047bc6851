"""Default reference data shipped with Kabinet; idempotent, safe to re-run."""


def seed_reference_data() -> None:
    """Each area registers its defaults in SEEDERS; run them all in order."""
    for seeder in SEEDERS:
        seeder()


SEEDERS: list = []

from workflows.applications.defaults import seed_applications  # noqa: E402

SEEDERS.append(seed_applications)

from workflows.pages.service import seed_system_pages  # noqa: E402

SEEDERS.append(seed_system_pages)

from workflows.documents.templates import seed_default_templates  # noqa: E402

SEEDERS.append(seed_default_templates)  # after seed_applications: a template per shipped type

from workflows.admin.defaults import seed_topics  # noqa: E402

SEEDERS.append(seed_topics)
