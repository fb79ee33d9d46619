from django.core.management.base import BaseCommand

from labeling.demo import demo_load


class Command(BaseCommand):
    help = "Load the demo users and projects (idempotent)."

    def handle(self, *args: object, **options: object) -> None:
        result = demo_load()
        self.stdout.write("Demo users (username / password):")
        for username, password in result.users.items():
            self.stdout.write(f"  {username:<10} {password}")
        for project in result.projects:
            self.stdout.write(f"Project #{project.pk}: {project.name}")
        if result.job is not None:
            self.stdout.write(f"Queued job #{result.job.pk}: {result.job.kind}")
