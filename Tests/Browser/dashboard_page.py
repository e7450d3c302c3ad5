#!/usr/bin/env python3
"""Loads pages of a TierSync hub's dashboard in headless Chromium and prints what they show.

    dashboard_page.py --base http://127.0.0.1:PORT [--login LOGIN] --credential op-ID.SECRET [--screenshot FILE] STEP...

Each STEP is a path to open ("/", "/orgs/520200") or "follow-child", which clicks the first
child's link in the children table of the page on screen (the drill-down, as a person does).
The operator credential (or, with --login, a person's password) is typed into the sign-in
form's password field; the browser then holds only the session cookie the hub sets, so the
credential never appears in a URL. Prints a JSON array, one object per step:
the HTTP status of the page, its path after redirects, its text, the headline figures, the
children table, the chart bars and the breadcrumbs, all read from the rendered DOM.
--screenshot saves a full-page PNG of the first step.

Needs Debian's `chromium` and the `websocket-client` module (both installed by .ci/run).
"""
import argparse
import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

import websocket

EXTRACT = r"""
(() => {
  const all = (selector, root) => Array.from((root || document).querySelectorAll(selector));
  const link = (element) => { const a = element.querySelector('a'); return a ? a.getAttribute('href') : null; };
  return {
    path: location.pathname,
    title: document.title,
    heading: (document.querySelector('h1') || {innerText: ''}).innerText,
    text: document.body.innerText,
    figures: Object.fromEntries(all('[data-figure]').map(e => [e.dataset.figure, e.querySelector('.value').textContent])),
    children: all('[data-table=children] tbody tr').map(tr => ({
      org: tr.dataset.org, total: tr.dataset.total === 'true', href: link(tr),
      cells: Object.fromEntries(all('td', tr).map(td => [td.dataset.key, td.textContent])),
    })),
    charts: Object.fromEntries(all('[data-chart]').map(f => [f.dataset.chart,
      all('g[data-label]', f).map(g => ({label: g.dataset.label, value: g.dataset.value}))])),
    crumbs: all('nav.crumbs a').map(a => a.getAttribute('href')),
    csvLinks: all('a.csv').map(a => a.getAttribute('href')),
    sync: all('[data-table=sync] tbody tr').map(tr => ({
      org: tr.dataset.org, cells: Object.fromEntries(all('td[data-key]', tr).map(td => [td.dataset.key, td.textContent])),
    })),
    conflicts: all('[data-table=conflicts] tbody tr').map(tr => all('td', tr).map(td => td.innerText)),
  };
})()
"""

FIRST_CHILD = "document.querySelector('[data-table=children] tbody tr:not(.total) td[data-key=name] a')"


class DevTools:
    """One page of a Chromium started for this run, driven over its DevTools websocket."""

    def __init__(self, chromium):
        self.profile = tempfile.mkdtemp(prefix="tiersync-chromium-")
        self.process = subprocess.Popen(
            [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
             "--no-first-run", "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0",
             "--user-data-dir=" + self.profile, "--window-size=1366,900", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        port_file = os.path.join(self.profile, "DevToolsActivePort")
        deadline = time.time() + 30
        while not os.path.exists(port_file) or not open(port_file).read().strip():
            if time.time() > deadline or self.process.poll() is not None:
                raise SystemExit("chromium did not start its DevTools endpoint")
            time.sleep(0.1)
        port = open(port_file).read().split()[0]
        targets = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10))
        page = next(t for t in targets if t["type"] == "page")
        self.socket = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=30, suppress_origin=True)
        self.next_id = 0
        self.events = []
        for method in ["Page.enable", "Network.enable"]:
            self.call(method)
        # Reading the DOM with Runtime.evaluate must work under the pages' script-free CSP.
        self.call("Page.setBypassCSP", enabled=True)

    def call(self, method, **params):
        self.next_id += 1
        self.socket.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.socket.recv())
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise SystemExit(f"{method}: {message['error']}")
                return message.get("result", {})
            self.events.append(message)

    def wait_for_load(self, started):
        """Waits for the page's load event; returns the status of its last document response."""
        status = None
        deadline = time.time() + 30
        while time.time() < deadline:
            while self.events:
                event = self.events.pop(0)
                if event.get("method") == "Network.responseReceived" and event["params"].get("type") == "Document":
                    status = event["params"]["response"]["status"]
                if event.get("method") == "Page.loadEventFired" and time.time() >= started:
                    return status
            self.events.append(json.loads(self.socket.recv()))
        raise SystemExit("the page did not load within 30 s")

    def evaluate(self, expression):
        # awaitPromise: an expression may fetch (a download, hashed in the page).
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        return result["result"].get("value")

    def close(self):
        try:
            self.socket.close()
        finally:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
            shutil.rmtree(self.profile, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", required=True)
    parser.add_argument("--credential", required=True, help="an operator credential, or the password of --login")
    parser.add_argument("--login", default="", help="a person's login, signing in with a password")
    parser.add_argument("--screenshot")
    parser.add_argument("--chromium", default=shutil.which("chromium") or "chromium")
    parser.add_argument("steps", nargs="+")
    args = parser.parse_args()
    browser = DevTools(args.chromium)
    try:
        # Sign in through the form, as a person does: the credential goes in the password
        # field, and the browser keeps only the session cookie the hub sets.
        browser.events.clear()
        started = time.time()
        browser.call("Page.navigate", url=args.base + "/login")
        browser.wait_for_load(started)
        browser.events.clear()
        started = time.time()
        browser.evaluate(
            "document.querySelector('[name=login]').value = " + json.dumps(args.login)
            + "; document.querySelector('[name=password]').value = " + json.dumps(args.credential)
            + "; document.querySelector('form[action=\"/login\"]').submit()")
        browser.wait_for_load(started)
        pages = []
        for index, step in enumerate(args.steps):
            browser.events.clear()
            started = time.time()
            if step == "follow-child":
                if not browser.evaluate(f"!!{FIRST_CHILD}"):
                    raise SystemExit("no child link on " + browser.evaluate("location.pathname"))
                browser.evaluate(f"{FIRST_CHILD}.click()")
            else:
                browser.call("Page.navigate", url=args.base + step)
            status = browser.wait_for_load(started)
            page = browser.evaluate(EXTRACT)
            page["step"], page["status"] = step, status
            pages.append(page)
            if index == 0 and args.screenshot:
                size = browser.call("Page.getLayoutMetrics")["cssContentSize"]
                browser.call(
                    "Emulation.setDeviceMetricsOverride", width=1366, height=int(size["height"]),
                    deviceScaleFactor=1, mobile=False)
                shot = browser.call("Page.captureScreenshot", format="png", captureBeyondViewport=True)
                with open(args.screenshot, "wb") as file:
                    file.write(base64.b64decode(shot["data"]))
                browser.call("Emulation.clearDeviceMetricsOverride")
        json.dump(pages, sys.stdout, ensure_ascii=False)
    finally:
        browser.close()


if __name__ == "__main__":
    main()
