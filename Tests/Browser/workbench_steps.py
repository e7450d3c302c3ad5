#!/usr/bin/env python3
"""Drives a TierSync site in headless Chromium through a list of steps, as a person would.

    workbench_steps.py --base http://127.0.0.1:PORT --steps steps.json

steps.json is a JSON array; each step is one object:
  {"open": "/path"}                     navigate and wait for the page
  {"fill": {"CSS selector": "value"}}   type into inputs, choose in selects (by option value)
  {"click": "CSS selector"}             click (a submit button: waits for the next page)
  {"read": "JS expression"}             record the expression's value
  {"upload": {"CSS selector": "path"}}  choose a file in a file input (as a person picks one)
A step may carry "name": its result is then found by that name.
  {"wait": seconds}                     let time pass (a session's idle limit)
  {"screenshot": "file.png"}            save a full-page PNG
Prints a JSON array with one object per step: the page's path and HTTP status after it, and
the value of "read" steps. Forms are filled through the DOM and submitted by clicking, so the
pages' own HTML forms (names, CSRF fields) are what is tested; no page script is needed.
"""
import argparse
import base64
import json
import os
import shutil
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from dashboard_page import DevTools  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", required=True)
    parser.add_argument("--steps", required=True)
    parser.add_argument("--chromium", default=shutil.which("chromium") or "chromium")
    args = parser.parse_args()
    steps = json.load(open(args.steps, encoding="utf-8"))
    browser = DevTools(args.chromium)
    results = []
    status = None
    try:
        for step in steps:
            result = {"name": step["name"]} if "name" in step else {}
            if "open" in step:
                browser.events.clear()
                started = time.time()
                browser.call("Page.navigate", url=args.base + step["open"])
                status = browser.wait_for_load(started)
            elif "fill" in step:
                for selector, value in step["fill"].items():
                    ok = browser.evaluate(
                        "(() => { const e = document.querySelector(" + json.dumps(selector) + "); if (!e) return false; "
                        "e.value = " + json.dumps(value) + "; return true; })()")
                    if not ok:
                        raise SystemExit(f"no element {selector} on " + browser.evaluate("location.pathname"))
            elif "click" in step:
                browser.events.clear()
                started = time.time()
                if not browser.evaluate("!!document.querySelector(" + json.dumps(step["click"]) + ")"):
                    raise SystemExit(f"no element {step['click']} on " + browser.evaluate("location.pathname"))
                browser.evaluate("document.querySelector(" + json.dumps(step["click"]) + ").click()")
                status = browser.wait_for_load(started)
            elif "upload" in step:
                for selector, path in step["upload"].items():
                    root = browser.call("DOM.getDocument")["root"]["nodeId"]
                    node = browser.call("DOM.querySelector", nodeId=root, selector=selector)["nodeId"]
                    if not node:
                        raise SystemExit(f"no element {selector} on " + browser.evaluate("location.pathname"))
                    browser.call("DOM.setFileInputFiles", files=[path], nodeId=node)
            elif "wait" in step:
                time.sleep(float(step["wait"]))
            elif "read" in step:
                result["value"] = browser.evaluate(step["read"])
            elif "screenshot" in step:
                size = browser.call("Page.getLayoutMetrics")["cssContentSize"]
                browser.call(
                    "Emulation.setDeviceMetricsOverride", width=1366, height=int(size["height"]),
                    deviceScaleFactor=1, mobile=False)
                shot = browser.call("Page.captureScreenshot", format="png", captureBeyondViewport=True)
                with open(step["screenshot"], "wb") as file:
                    file.write(base64.b64decode(shot["data"]))
                browser.call("Emulation.clearDeviceMetricsOverride")
            result["path"] = browser.evaluate("location.pathname + location.search")
            result["status"] = status
            results.append(result)
        json.dump(results, sys.stdout, ensure_ascii=False)
    finally:
        browser.close()


if __name__ == "__main__":
    main()
