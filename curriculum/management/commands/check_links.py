from collections import defaultdict

from django.core.management.base import BaseCommand, CommandError

from curriculum.links import LinkCheck, check_urls
from curriculum.selectors import resources_to_check


class Command(BaseCommand):
    help = (
        "Check that the address of every resource of a published module still answers: HEAD, then GET when "
        "the server refuses HEAD, following redirects. Prints each address as it is checked, then the "
        "failures with their track, module and resource title, and the addresses that now redirect "
        "elsewhere. Exits with status 1 when any address fails."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--timeout", type=float, default=10.0, help="Seconds to wait for each answer (default: 10)."
        )
        parser.add_argument(
            "--concurrency", type=int, default=8, help="Addresses checked at the same time, 1 to 32 (default: 8)."
        )
        parser.add_argument(
            "--include-unpublished", action="store_true", help="Check the resources of draft and archived modules too."
        )

    def handle(self, *args, timeout: float, concurrency: int, include_unpublished: bool, **options):
        if not 0 < timeout <= 120:
            raise CommandError("--timeout: give a number of seconds above 0 and at most 120.")
        if not 1 <= concurrency <= 32:
            raise CommandError("--concurrency: give a whole number from 1 to 32.")
        resources = list(resources_to_check(include_unpublished=include_unpublished))
        by_url = defaultdict(list)
        for resource in resources:
            by_url[resource.url].append(resource)
        total = len(by_url)
        self.stdout.write(f"Checking {total} addresses of {len(resources)} resources, {concurrency} at a time…")
        done = 0

        def report(result: LinkCheck) -> None:
            nonlocal done
            done += 1
            verdict = self.style.SUCCESS("ok  ") if result.ok else self.style.ERROR("FAIL")
            detail = str(result.status) if result.status else result.error
            moved = f" → {result.final_url}" if result.moved else ""
            self.stdout.write(f"[{done}/{total}] {verdict} {detail} {result.url}{moved}")

        results = check_urls(by_url, timeout=timeout, workers=concurrency, on_result=report)
        failed = [url for url in by_url if not results[url].ok]
        moved = [url for url in by_url if results[url].moved]
        if moved:
            self.stdout.write(f"\n{len(moved)} addresses redirect elsewhere (they answer; update them some time):")
            for url in moved:
                self.stdout.write(f"  {url} → {results[url].final_url}{self._where(by_url[url])}")
        if failed:
            self.stdout.write(f"\n{len(failed)} addresses fail:")
            for url in failed:
                self.stdout.write(f"  {results[url].error or results[url].status} {url}{self._where(by_url[url])}")
            raise CommandError(f"{len(failed)} of {total} addresses fail.", returncode=1)
        self.stdout.write(self.style.SUCCESS(f"All {total} addresses answer."))

    def _where(self, resources) -> str:
        """Where the address is used: track/module and the resource's title."""
        return "".join(
            f"\n      {resource.module.track.slug}/{resource.module.slug} “{resource.module.title}”: {resource.title}"
            for resource in resources
        )
