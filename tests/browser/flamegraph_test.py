#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""Flame graph SVGs written by ior, in Debian's headless chromium (driven by python3-selenium).

Usage: flamegraph_test.py ARTIFACT_DIR PLAIN.svg DIFF.svg ICICLE.svg
The SVGs are drawn by tests/browser/run.sh from flame.folded and flame-diff.folded (the
expected figures below come from those files). Checks that the script runs without errors
and loads nothing, that hover, click-to-zoom, reset, search (with the matched share, nested
matches counted once), Ctrl-F and Esc work; keeps screenshots in ARTIFACT_DIR.
Exit 0 when every check passed, 1 when one failed, 77 when chromium cannot start (the reason
on stderr).
"""
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

CHROMIUM = os.environ.get('CHROMIUM', '/usr/bin/chromium')
CHROMEDRIVER = os.environ.get('CHROMEDRIVER', '/usr/bin/chromedriver')
FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
         '--disable-background-networking', '--disable-component-update', '--disable-sync',
         '--disable-dev-shm-usage', '--window-size=1300,900']
SKIP = 77
failures = []


def check(ok, what):
    print(('  ok    ' if ok else '  FAIL  ') + what)
    if not ok:
        failures.append(what)


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def spawn(argv, probe, what):
    """Start argv and wait until http://127.0.0.1 probe answers; the process or an error.
    chromedriver and chromium are both started here, on 127.0.0.1: left to themselves they
    reach each other through the name 'localhost', which does not resolve on a machine
    without /etc/hosts (a fresh debootstrap root)."""
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            start_new_session=True)
    deadline = time.time() + 30
    while time.time() < deadline and proc.poll() is None:
        try:
            urllib.request.urlopen(probe, timeout=2).read()
            return proc
        except OSError:
            time.sleep(0.1)
    stop_proc(proc)
    err = proc.stderr.read().decode(errors='replace').strip().splitlines()
    raise RuntimeError('%s did not answer on %s: %s' % (what, probe, err[-1] if err else
                                                        'exit status %s' % proc.returncode))


def stop_proc(proc):
    """Stop proc, then wait (5 s at most) for the helpers it started in its own session."""
    if not proc:
        return
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, 9)  # its own session: only what this test started
            proc.wait()
    deadline = time.time() + 5
    while time.time() < deadline:
        try:
            os.killpg(proc.pid, 0)
        except OSError:
            return
        time.sleep(0.05)


def start_browser(profile, procs):
    from selenium import webdriver

    port = free_port()
    procs.append(spawn([CHROMIUM] + FLAGS + ['--user-data-dir=' + profile,
                                             '--remote-debugging-address=127.0.0.1',
                                             '--remote-debugging-port=%d' % port, 'about:blank'],
                       'http://127.0.0.1:%d/json/version' % port, 'chromium'))
    driver_port = free_port()
    procs.append(spawn([CHROMEDRIVER, '--port=%d' % driver_port, '--allowed-ips=127.0.0.1'],
                       'http://127.0.0.1:%d/status' % driver_port, 'chromedriver'))
    opts = webdriver.ChromeOptions()
    opts.debugger_address = '127.0.0.1:%d' % port
    opts.set_capability('goog:loggingPrefs', {'browser': 'ALL'})
    return webdriver.Remote(command_executor='http://127.0.0.1:%d' % driver_port, options=opts)


FIND_FRAME = """
var name = arguments[0];
return Array.prototype.find.call(document.querySelectorAll('#frames > g'), function (g) {
	return g.firstElementChild.textContent.split('\\n')[0] === name;
}) || null;
"""


class Page:
    """One SVG loaded in the browser, and the frame-level questions the checks ask."""

    def __init__(self, drv, path, artifacts):
        self.drv, self.artifacts = drv, artifacts
        drv.get('file://' + os.path.abspath(path))
        deadline = time.time() + 15
        while time.time() < deadline and not self.ready():
            time.sleep(0.05)

    def ready(self):
        return self.drv.execute_script(
            "return document.documentElement.getAttribute('data-ready')") == '1'

    def frame(self, name):
        return self.drv.execute_script(FIND_FRAME, name)

    def attr(self, name, tag, attr):
        g = self.frame(name)
        return g.find_element('tag name', tag).get_attribute(attr) if g else None

    def cls(self, name):
        g = self.frame(name)
        return (g.get_attribute('class') or '') if g else None

    def text(self, elem_id):
        return self.drv.find_element('id', elem_id).text

    def mouse(self, name, click):
        from selenium.webdriver.common.action_chains import ActionChains

        chain = ActionChains(self.drv).move_to_element(
            self.frame(name).find_element('tag name', 'rect'))
        (chain.click() if click else chain).perform()

    def keys(self, *keys, ctrl=False):
        from selenium.webdriver.common.action_chains import ActionChains
        from selenium.webdriver.common.keys import Keys

        chain = ActionChains(self.drv)
        if ctrl:
            chain.key_down(Keys.CONTROL)
        chain.send_keys(*keys)
        if ctrl:
            chain.key_up(Keys.CONTROL)
        chain.perform()

    def count(self, selector):
        return self.drv.execute_script(
            'return document.querySelectorAll(arguments[0]).length', selector)

    def shot(self, name):
        path = os.path.join(self.artifacts, name)
        self.drv.save_screenshot(path)
        print('  saved ' + path)

    def script_errors(self):
        return [e['message'] for e in self.drv.get_log('browser') if e['level'] == 'SEVERE']

    def resources(self):
        return self.drv.execute_script(
            "return performance.getEntriesByType('resource').map(function (e) { return e.name; })")


def check_loaded(page, what):
    check(page.ready(), what + ': the script ran to its end (data-ready)')
    errors = page.script_errors()
    check(not errors, what + ': no script errors %s' % (errors or ''))
    check(not page.resources(), what + ': nothing loaded from outside the file')


def check_plain(page):
    from selenium.webdriver.common.keys import Keys

    check_loaded(page, 'plain')
    check(page.count('#frames > g') == 17, 'plain: 17 frames drawn')
    check(page.frame('evil <b>&amp;') is not None and page.frame('\\xff;\\x1b[0m]]>') is not None,
          'plain: hostile names shown as text, escaped visibly')
    page.shot('flamegraph-plain.png')

    page.mouse('worker', click=False)
    check(page.text('details') == 'worker | 60.00 \u00b5s (59.41%)',
          'hover: details line shows name, weight and share (%r)' % page.text('details'))

    before = page.attr('worker', 'rect', 'width')
    page.mouse('worker', click=True)
    check(page.attr('worker', 'rect', 'width') == '1180.0', 'zoom: clicked frame fills the width')
    check(page.attr('pread64', 'rect', 'width') == '786.7', 'zoom: its child rescaled to 2/3')
    check(page.cls('app') == 'h' and not page.frame('app').is_displayed(), 'zoom: others hidden')
    check(page.cls('all') == 'a', 'zoom: ancestors stay, faded')
    check(page.drv.find_element('id', 'unzoom').is_displayed(), 'zoom: "Reset zoom" shown')
    page.shot('flamegraph-zoomed.png')
    page.drv.find_element('id', 'unzoom').click()
    check(page.attr('worker', 'rect', 'width') == before and page.cls('app') == '',
          'reset: back to the whole graph')

    box = page.drv.find_element('id', 'search')
    box.click()
    box.send_keys('read')
    check(page.text('matched') == 'Matched: 57.43% (58.00 \u00b5s)',
          'search: matched share of read|pread64 (%r)' % page.text('matched'))
    check(page.count('#frames > g.m') == 3, 'search: three frames highlighted')
    page.shot('flamegraph-search.png')
    box.send_keys(Keys.CONTROL, 'a')
    box.send_keys('^(worker|pread64)$')
    check(page.text('matched') == 'Matched: 59.41% (60.00 \u00b5s)',
          'search: a match inside a match counted once (%r)' % page.text('matched'))
    box.send_keys(Keys.CONTROL, 'a')
    box.send_keys('(')
    check(page.text('matched') == 'not a valid regular expression' and not page.script_errors(),
          'search: a bad regular expression is reported, not thrown')

    page.drv.find_element('id', 'title').click()
    page.keys('f', ctrl=True)
    active = page.drv.execute_script('return document.activeElement.id')
    check(active == 'search', 'Ctrl-F: focuses the search box (%r)' % active)
    page.keys(Keys.ESCAPE)
    check(box.get_attribute('value') == '' and page.count('#frames > g.m') == 0,
          'Esc: clears the search')
    check(not page.script_errors(), 'plain: still no script errors')


def check_diff(page):
    check_loaded(page, 'diff')
    check(page.attr('fsync', 'rect', 'fill') == '#ff3232', 'diff: new in B is full red')
    check(page.attr('pread64', 'rect', 'fill') == '#4d4dff', 'diff: shrunk by 75 % is blue')
    check(page.attr('write', 'rect', 'fill') == '#ffffff', 'diff: unchanged is white')
    check(page.frame('fdatasync') is None, 'diff: gone in B is not drawn (sized by B)')
    page.mouse('pread64', click=False)
    check('A: 40.00 \u00b5s, B: 10.00 \u00b5s, change -75.00%' in page.text('details'),
          'diff: hover shows both sides and the change (%r)' % page.text('details'))
    page.shot('flamegraph-diff.png')
    page.mouse('app', click=True)
    check(page.attr('app', 'rect', 'width') == '1180.0', 'diff: zoom works')
    check(not page.script_errors(), 'diff: no script errors after zoom')


def check_icicle(page):
    check_loaded(page, 'icicle')
    check(page.attr('all', 'rect', 'y') == '98', 'icicle: the root is the top row')
    page.mouse('app', click=True)
    check(page.attr('app', 'rect', 'width') == '1180.0', 'icicle: zoom works')
    page.shot('flamegraph-icicle-zoomed.png')


def stop(procs, drv, profile):
    if drv:
        drv.quit()
    for proc in reversed(procs):
        stop_proc(proc)
    shutil.rmtree(profile, ignore_errors=True)


def main():
    if len(sys.argv) != 5:
        print(__doc__, file=sys.stderr)
        return 2
    artifacts, plain, diff, icicle = sys.argv[1:]
    os.makedirs(artifacts, exist_ok=True)
    os.environ['no_proxy'] = os.environ['NO_PROXY'] = '127.0.0.1'  # the driver is local
    profile = tempfile.mkdtemp(prefix='ior-chromium-')
    start = time.time()
    procs, drv = [], None
    try:
        drv = start_browser(profile, procs)
    except Exception as e:  # any failure to start is a reason to skip, stated
        print('chromium cannot start: %s' % ' '.join(str(e).strip().splitlines()[:2]),
              file=sys.stderr)
        stop(procs, drv, profile)
        return SKIP
    try:
        print('chromium started in %.1f s' % (time.time() - start))
        for run, svg in ((check_plain, plain), (check_diff, diff), (check_icicle, icicle)):
            try:
                run(Page(drv, svg, artifacts))
            except Exception as e:  # a check that could not even be made has failed
                check(False, '%s: %s' % (run.__name__, (str(e).strip().splitlines() or ['?'])[0]))
    finally:
        stop(procs, drv, profile)
    print('%d failed, %.1f s' % (len(failures), time.time() - start))
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
