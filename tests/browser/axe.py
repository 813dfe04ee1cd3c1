"""axe-core (through axe-playwright-python) on a page open in the test browser."""


def axe_failures(page, name: str) -> list[str]:
    """The serious and critical accessibility violations on ``page``, each named with ``name``."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{name}: {violation['id']} ({violation['impact']}): {violation['help']}"
        for violation in results.response["violations"]
        if violation["impact"] in {"serious", "critical"}
    ]
