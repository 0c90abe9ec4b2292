"""The page crawl of test_pages.py: every built page loaded in Chromium, checked for requests that
leave the local server, console and page errors, and WCAG 2.1 A/AA violations (axe-core).

Two pages of one browser context work through the list at once (Playwright's async API, in a
thread of its own so the sync fixtures of the other tests are untouched). Every page loads the
site's search index, and Material's search worker builds the same full index from it on every
load, which took about as long as axe on a busy machine. The crawl serves the real index once
(on the first page, where a search must then find something) and, on every other page, a
minimal valid index at the same address: each page still asks for the index at its own
relative address (a wrong one would reach the server and fail), and everything else on the
page is the built site's.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time

def small_index(site) -> str:
    """The site's own search index with its first page only: the same configuration, a tiny build."""
    index = json.loads((site.dir / "search" / "search_index.json").read_text(encoding="utf-8"))
    return json.dumps({**index, "docs": index["docs"][:1]})


def crawl(site, launch_args: dict, axe_script: str, axe_options: dict, violations, *,
          workers: int = 2) -> tuple[dict, float]:
    """{path: [problem, ...]} for every page of `site` with a problem, and the seconds the crawl took.
    `violations(AxeResults)` turns an axe result into problem lines (conftest.axe_violations)."""
    out: dict = {}

    def run():
        try:
            out["result"] = asyncio.run(_crawl(site, launch_args, axe_script, axe_options, violations, workers))
        except BaseException as e:  # noqa: BLE001 - raised again in the test's own thread
            out["error"] = e

    thread = threading.Thread(target=run)
    start = time.perf_counter()
    thread.start()
    thread.join()
    if "error" in out:
        raise out["error"]
    return out["result"], time.perf_counter() - start


async def _crawl(site, launch_args, axe_script, axe_options, violations, workers) -> dict:
    from axe_playwright_python.base import AxeResults
    from playwright.async_api import async_playwright

    index_url, small = site.url + "search/search_index.json", small_index(site)
    real_index_served = asyncio.Event()
    failures: dict[str, list[str]] = {}
    paths = list(site.pages)
    first, rest = paths[0], paths[1:]

    async with async_playwright() as p:
        browser = await p.chromium.launch(**launch_args)
        context = await browser.new_context()
        await context.add_init_script(axe_script)
        current: dict = {}  # page -> the path it is on

        async def route(r):
            url = r.request.url
            if not url.startswith((site.url, "data:", "blob:")):
                failures.setdefault(current.get(r.request.frame.page, "?"), []).append(f"external request: {url}")
                await r.abort("blockedbyclient")
            elif url == index_url and real_index_served.is_set():
                await r.fulfill(status=200, content_type="application/json", body=small)
            else:
                await r.continue_()

        await context.route("**/*", route)

        async def check(page, path: str) -> None:
            current[page] = path
            response = await page.goto(site.url + path.lstrip("/"), wait_until="load")
            problems = [] if response is not None and response.ok else [f"HTTP {response and response.status}"]
            result = await page.evaluate("options => axe.run(document, options)", axe_options)
            problems += violations(AxeResults(result))
            if problems:
                failures.setdefault(path, []).extend(problems)

        def watch(page) -> None:
            def note(kind, text):
                failures.setdefault(current.get(page, "?"), []).append(f"{kind}: {text}")
            page.on("console", lambda m: note("console error", m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: note("page error", str(e)))

        # The first page with the real index: its search must find a page, so the index works.
        page = await context.new_page()
        watch(page)
        await check(page, first)
        await page.wait_for_function("() => document.querySelector('.md-search__input') !== null")
        await page.fill(".md-search__input", "97110")
        await page.keyboard.press("End")
        await page.wait_for_selector(".md-search-result__item", state="attached")
        real_index_served.set()

        queue: asyncio.Queue = asyncio.Queue()
        for path in rest:
            queue.put_nowait(path)

        async def worker(page) -> None:
            while not queue.empty():
                await check(page, queue.get_nowait())

        pages = [page] + [await context.new_page() for _ in range(workers - 1)]
        for extra in pages[1:]:
            watch(extra)
        await asyncio.gather(*(worker(pg) for pg in pages))
        await browser.close()
    return failures
