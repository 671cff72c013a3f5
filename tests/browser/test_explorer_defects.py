"""What a teacher and a student hit in the explorer (issue 13): links, the learning rate, hints,
clipped text, colours, equal scales and a quiet console. Each test failed before its fix."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import numpy as np
import pytest
from explorer_pages import hover_fraction, open_explorer, readout_point


@pytest.fixture(autouse=True)
def no_console_errors(console):
    yield
    assert console.errors == []


def query(page) -> dict[str, list[str]]:
    return parse_qs(urlparse(page.url).query)


# --- 1. a link keeps the point, the optimizer and its settings ---------------------------------


def test_a_gallery_link_opens_at_its_point(page, server_url):
    open_explorer(page, f"{server_url}/?g=bowl&p=1,2")
    page.wait_for_selector("[data-testid=readout][data-point]")
    assert readout_point(page) == [1, 2]


def test_a_typed_formula_link_opens_at_its_point(page, server_url):
    open_explorer(page, f"{server_url}/?f=x%5E2%2By%5E2&p=-1.5,0.25")
    page.wait_for_selector("[data-testid=readout][data-point]")
    assert readout_point(page) == [-1.5, 0.25]


def test_the_optimizer_and_its_rate_are_in_the_link_and_restored(page, browser, server_url):
    open_explorer(page, f"{server_url}/?g=bowl")
    page.get_by_test_id("optimizer").select_option("momentum")
    lr = page.get_by_test_id("lr")
    lr.fill("0.02")
    lr.press("Enter")
    page.wait_for_url(re.compile(r"o=momentum_0\.02"))
    other = browser.new_page()
    try:
        open_explorer(other, page.url)
        assert other.get_by_test_id("optimizer").input_value() == "momentum"
        assert other.get_by_test_id("lr").input_value() == "0.02"
        box = other.locator("[data-testid=plot]").bounding_box()
        other.mouse.click(box["x"] + 0.7 * box["width"], box["y"] + 0.3 * box["height"])
        other.wait_for_url(re.compile(r"r=momentum_0\.02_"))
    finally:
        other.close()


def test_links_carry_short_numbers_and_replay_the_same_path(page, browser, server_url):
    open_explorer(page, f"{server_url}/?g=himmelblau")
    box = page.locator("[data-testid=plot]").bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.wheel(0, -230)  # an arbitrary zoom: the window's ends are no round numbers
    page.mouse.click(box["x"] + 0.6137 * box["width"], box["y"] + 0.4071 * box["height"])
    item = page.locator("[data-testid=runs] li").first
    item.wait_for()
    page.get_by_test_id("play").click()  # pause; the run is computed in full either way
    page.wait_for_url(re.compile(r"r=gd_"))
    page.wait_for_timeout(400)
    q = query(page)
    for key in ("v", "p", "r"):
        for number in re.split(r"[,_]", q[key][0]):
            digits = re.sub(r"[^0-9]", "", number.split("e")[0]).strip("0")
            assert len(digits) <= 7, f"{key}={q[key][0]} carries {number}"
    final = item.get_attribute("data-final")
    other = browser.new_page()
    try:
        open_explorer(other, page.url)
        again = other.locator("[data-testid=runs] li").first
        again.wait_for()
        done = "[data-testid=runs] li:not([data-status=running])"
        other.wait_for_selector(done, timeout=20_000)
        page.get_by_test_id("play").click()
        page.wait_for_selector(done, timeout=20_000)
        assert again.get_attribute("data-final") == item.get_attribute("data-final")
        assert final is not None
    finally:
        other.close()


def test_rounding_keeps_what_the_view_can_show(page, server_url):
    open_explorer(page, server_url)
    got = page.evaluate(
        """async () => {
             const p = await import('/static/core/precision.js');
             const m = await import('/static/hosts/model.js');
             const view = {x: [-4.123456789, 4.2], y: [-3, 3.000000001]};
             return [p.roundTo(0.1 + 0.2, 0.01), p.viewStep(view),
                     p.roundPoint([1.23456, -0.00049], view),
                     m.stateToQuery({formula: 'x', view, point: [1/3, 2/3],
                       settings: {optimizer: 'adam', lr: 0.05, beta1: 0.8}, runs: []})];
           }"""
    )
    assert got[0] == 0.3
    assert got[1] == 0.001
    assert got[2] == [1.235, 0]
    q = parse_qs(got[3])
    assert q["v"] == ["-4.1235,4.2,-3,3"]
    assert q["p"] == ["0.333,0.667"]
    assert q["o"] == ["adam_0.05_beta1=0.8"]
    back = page.evaluate(
        "async (s) => (await import('/static/hosts/model.js')).queryToState(s).settings", got[3]
    )
    assert back == {"optimizer": "adam", "lr": 0.05, "beta1": 0.8}


def test_a_hovered_point_reopens_from_the_link(page, browser, server_url):
    open_explorer(page, f"{server_url}/?g=rosenbrock")
    hover_fraction(page, 0.31, 0.62)
    page.wait_for_timeout(500)
    want = np.array(readout_point(page))
    other = browser.new_page()
    try:
        open_explorer(other, page.url)
        other.wait_for_selector("[data-testid=readout][data-point]")
        got = np.array(readout_point(other))
        assert "v" not in query(page)  # the surface's own window: the point is rounded to it
        assert re.fullmatch(r"-?[0-9.]{1,6},-?[0-9.]{1,6}", query(page)["p"][0])
        view = [-2, 2]
        assert np.abs(got - want).max() <= (view[1] - view[0]) / 1000
    finally:
        other.close()


# --- 5. a bad learning rate says why and stops the next ball ------------------------------------


@pytest.mark.parametrize("typed", ["abc", "0", "-1"])
def test_a_bad_learning_rate_keeps_its_message_and_no_ball_runs(page, server_url, typed):
    open_explorer(page, server_url)
    lr = page.get_by_test_id("lr")
    lr.fill(typed)
    page.get_by_test_id("optimizer").focus()  # blur: the message and the typed text stay
    message = page.get_by_test_id("lr-error")
    assert message.is_visible()
    assert "learning rate" in message.inner_text().lower() or "number" in message.inner_text()
    assert lr.input_value() == typed
    assert lr.get_attribute("aria-invalid") == "true"
    box = page.locator("[data-testid=plot]").bounding_box()
    page.mouse.click(box["x"] + 0.7 * box["width"], box["y"] + 0.3 * box["height"])
    page.wait_for_timeout(300)
    assert page.locator("[data-testid=runs] li").count() == 0
    assert message.is_visible()
    lr.fill("0.05")
    assert message.is_hidden()
    page.mouse.click(box["x"] + 0.7 * box["width"], box["y"] + 0.3 * box["height"])
    page.locator("[data-testid=runs] li").first.wait_for()
    assert "lr 0.05" in page.get_by_test_id("runs").inner_text()


# --- 7. no clipped text -------------------------------------------------------------------------

CLIPPED = """() => {
  const card = document.querySelector('.gs-readout-card').getBoundingClientRect();
  const out = [];
  for (const row of document.querySelectorAll('.gs-ro-row')) {
    if (row.hidden) continue;
    if (row.scrollWidth > row.clientWidth + 1 || row.scrollHeight > row.clientHeight + 1)
      out.push(`${row.className}: ${row.scrollWidth}x${row.scrollHeight}`
               + ` in ${row.clientWidth}x${row.clientHeight}`);
  }
  for (const n of document.querySelectorAll('.gs-readout .gs-num, .gs-readout sub, .gs-frac')) {
    const r = n.getBoundingClientRect();
    const c = card;
    const out_ = r.left < c.left - 0.5 || r.right > c.right + 0.5 || r.bottom > c.bottom + 0.5;
    if (r.width && out_)
      out.push(`${n.className || n.tagName} '${n.textContent}' leaves the card`);
  }
  return out;
}"""


@pytest.mark.parametrize("size", [(1440, 900), (1024, 700), (390, 844)])
@pytest.mark.parametrize("link", ["f=x%5E100%2By%5E100&p=3,2", "g=bowl&p=-3.217,-2.9981"])
def test_the_readout_clips_no_number_and_no_subscript(browser, console, server_url, size, link):
    context = browser.new_context(viewport={"width": size[0], "height": size[1]})
    page = context.new_page()
    console.attach(page)
    try:
        open_explorer(page, f"{server_url}/?{link}")
        page.wait_for_selector("[data-testid=readout][data-point]")
        assert page.evaluate(CLIPPED) == []
        if link.startswith("f="):
            text = page.get_by_test_id("readout").inner_text()
            assert "6.338e31" in text and "1.718e49" in text
    finally:
        context.close()


@pytest.mark.parametrize(
    "where", [(0.01, 0.5), (0.99, 0.5), (0.5, 0.01), (0.98, 0.02), (0.02, 0.98)]
)
def test_arrow_labels_stay_inside_the_plot_and_off_the_point(page, server_url, where):
    open_explorer(page, server_url)
    hover_fraction(page, *where)
    plot = page.locator("[data-testid=plot]")
    page.wait_for_selector("[data-testid=plot][data-labels]")
    box = plot.bounding_box()
    px, py = where[0] * box["width"], where[1] * box["height"]
    for label in plot.get_attribute("data-labels").split(";"):
        left, top, right, bottom = (float(v) for v in label.split(","))
        assert left >= 0 and top >= 0, label
        assert right <= box["width"] + 0.5 and bottom <= box["height"] + 0.5, label
        assert not (left - 4 < px < right + 4 and top - 4 < py < bottom + 4), (
            f"{label} on the point"
        )


# --- 10. run colours do not repeat -------------------------------------------------------------


def test_twelve_runs_get_ten_colours_then_dashes_and_neighbours_always_differ(page, server_url):
    open_explorer(page, server_url)
    page.get_by_test_id("play").click()  # paused: the runs wait at their starts
    plot = page.locator("[data-testid=plot]")
    plot.focus()
    for k in range(12):
        page.keyboard.press("ArrowRight" if k % 2 else "ArrowUp")
        page.keyboard.press("Enter")
    swatches = page.locator("[data-testid=runs] .gs-swatch")
    assert swatches.count() == 12
    looks = [s.evaluate("e => e.style.background") for s in swatches.all()]
    assert len(set(looks[:10])) == 10
    assert "repeating-linear-gradient" in looks[10] and looks[10] != looks[0]
    assert len(set(looks)) == 12


# --- 13. equal scales say what they do; typing logs no console error -----------------------------


def test_equal_scales_on_rosenbrock_change_the_window_and_say_so(page, server_url):
    open_explorer(page, f"{server_url}/?g=rosenbrock")
    plot = page.locator("[data-testid=plot]")
    before = plot.get_attribute("data-view")
    note = page.get_by_test_id("equal-note")
    assert note.is_hidden()
    page.get_by_label("Equal scales").uncheck()
    page.wait_for_function(
        "(v) => document.querySelector('[data-testid=plot]').dataset.view !== v", arg=before
    )
    assert note.is_visible()
    words = note.inner_text()
    assert "Scales unequal" in words and re.search(r"\b[xy] shows", words)
    page.get_by_label("Equal scales").check()
    assert "Equal scales:" in note.inner_text() and "was" in note.inner_text()


def test_typing_a_bad_formula_logs_no_console_error(browser, server_url):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    logged: list[str] = []
    page.on("console", lambda m: logged.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: logged.append(str(e)))
    try:
        open_explorer(page, server_url)
        box = page.get_by_test_id("formula")
        box.fill("")
        for ch in "x + foo(y":  # every keystroke a refusal while it is incomplete
            box.press(ch if ch != " " else "Space")
            page.wait_for_timeout(200)
        page.get_by_test_id("formula-error").wait_for(state="visible")
        box.press("Enter")
        page.wait_for_timeout(500)
        assert "foo" in page.get_by_test_id("formula-error").inner_text()
        assert logged == []
    finally:
        context.close()


# --- 2. the exported lesson never calls a server and carries the gallery --------------------------


@pytest.fixture(scope="module")
def course_site(tmp_path_factory):
    """The one-file lesson on a plain static web server, as a course site would host it."""
    import functools
    import threading
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    from gradscape.export import export_lesson_html, write_export

    root = tmp_path_factory.mktemp("course")
    write_export(root / "lesson.html", export_lesson_html())

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args):  # the test's output stays readable
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=root))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield root, f"http://127.0.0.1:{server.server_address[1]}/lesson.html"
    server.shutdown()
    thread.join(5)


@pytest.mark.parametrize("where", ["course site", "disk"])
def test_the_exported_lesson_fills_its_gallery_and_calls_no_server(browser, course_site, where):
    root, url = course_site
    url = url if where == "course site" else (root / "lesson.html").as_uri()
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    requests: list[str] = []
    errors: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(url)
        page.wait_for_selector("#explore[data-ready=true] [data-testid=plot][data-view]")
        explore = page.locator("#explore")
        menu = explore.get_by_test_id("gallery")
        assert menu.locator("option").count() > 5
        menu.select_option("rosenbrock")
        explore.locator("[data-testid=formula-error]").wait_for(state="hidden")
        page.wait_for_function(
            "() => document.querySelector('#explore .gs-formula-input').value.includes('100')"
        )
        box = explore.get_by_test_id("formula")
        box.fill("himmelblau")
        box.press("Enter")
        page.wait_for_function(
            "() => document.querySelector('#explore .gs-display').textContent.includes('11')"
        )
        box.fill("x^3 + y")  # not in the file: it says so, without calling anyone
        box.press("Enter")
        error = explore.get_by_test_id("formula-error")
        error.wait_for(state="visible")
        assert "run gradscape" in error.inner_text()
        assert [r for r in requests if r != url] == []
        assert errors == []
    finally:
        context.close()


# --- 6. "xy" is one variable: say so; say what a one-variable formula's second axis is ---


def test_the_formula_box_hints_at_x_times_y_and_explains_a_one_variable_plot(page, server_url):
    open_explorer(page, server_url)
    box = page.get_by_test_id("formula")
    hint = page.get_by_test_id("formula-hint")
    box.fill("xy + 1")
    box.press("Enter")
    page.wait_for_function("() => !document.querySelector('[data-testid=formula-hint]').hidden")
    assert "x*y" in hint.inner_text()
    box.fill("x^2")
    box.press("Enter")
    page.wait_for_function(
        "() => document.querySelector('[data-testid=formula-hint]').textContent.includes('alone')"
    )
    assert "drawn as a curve" in hint.inner_text()
    box.fill("x*y + 1")
    box.press("Enter")
    hint.wait_for(state="hidden")
