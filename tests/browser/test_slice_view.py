"""The slice view in Chromium: a model's loss on a plane of its weights, in the explorer.

Built-in models open from a link (/?m=...&d=...&s=...&span=...); a slice given to the server
(`gradscape slice --open`, here a PyTorch model's) is computed by Python tile by tile. Either way
the hovered point's readout (data-value, data-gradient) equals Python's Slice to 1e-10.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from urllib.parse import parse_qs, urlparse

import numpy as np
import pytest
import uvicorn

from gradscape.server import CompilePool, create_app, free_port
from gradscape.server.slices import SliceRegistry
from gradscape.sliceview import SliceSpec, point_readout

LINK = "/?m=logistic&d=random&s=3&span=1.5&t=20"
TOL = 1e-10


@pytest.fixture(autouse=True)
def no_console_errors(console):
    yield
    assert console.errors == []


def torch_slice():
    torch = pytest.importorskip("torch")
    from gradscape.models.pytorch import TorchModel
    from gradscape.models.slices import make_slice

    g = torch.Generator().manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(4, 6), torch.nn.Tanh(), torch.nn.Linear(6, 3))
    for p in net.parameters():
        with torch.no_grad():
            p.copy_(torch.randn(p.shape, generator=g) * 0.7)
    x = torch.randn(60, 4, generator=g)
    y = torch.randint(0, 3, (60,), generator=g)
    model = TorchModel(net, torch.nn.functional.cross_entropy, (x, y))
    return make_slice(model, "gradient", seed=1)


@pytest.fixture(scope="module")
def torch_server() -> Iterator[tuple[str, object]]:
    s = torch_slice()
    slices = SliceRegistry()
    slices.register("torch-net", s, 2.0, None, remote=True)
    pool = CompilePool(1)
    port = free_port("127.0.0.1", 0)
    app = create_app(pool, slices=slices)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", s
    server.should_exit = True
    thread.join(10)
    pool.close()


def readout(page) -> dict[str, str | None]:
    r = page.locator("[data-testid=readout]")
    keys = ("point", "value", "gradient", "pending", "grad-norm", "in-plane", "accuracy")
    return {k: r.get_attribute(f"data-{k}") for k in keys}


def nums(text: str | None) -> np.ndarray:
    return np.array([float(v) for v in (text or "").split(",")])


def assert_as_linked(again: str | None, before: str | None, view: str | None) -> None:
    """A link carries the point to a thousandth of the window and the window to a ten-thousandth
    of its side (hosts/model.js), so the reopened page is there, not bit for bit."""
    x0, x1, y0, y1 = nums(view)
    side = np.array([x1 - x0, y1 - y0])
    np.testing.assert_allclose(nums(again), nums(before), rtol=0, atol=1e-3 * side.max())


def hover(page, fx: float, fy: float) -> dict[str, str | None]:
    """Move to a fraction of the plot; wait for the exact numbers of that point."""
    box = page.locator("[data-testid=plot]").bounding_box()
    before = readout(page)["point"]
    page.mouse.move(box["x"] + fx * box["width"], box["y"] + fy * box["height"])
    page.wait_for_function(
        """(before) => { const r = document.querySelector('[data-testid=readout]');
             return r.dataset.point !== before && r.dataset.value !== undefined
               && r.dataset.pending === undefined; }""",
        arg=before,
        timeout=30_000,
    )
    return readout(page)


def numbers(text: str | None) -> np.ndarray:
    assert text is not None
    return np.array([float(v) for v in text.split(",")])


def assert_exact(slice_, got: dict[str, str | None]) -> None:
    p = numbers(got["point"])
    want = point_readout(slice_, p)
    v, g = slice_.value_and_gradient(p)
    assert abs(float(got["value"]) - v) <= TOL * max(1.0, abs(v))
    np.testing.assert_allclose(numbers(got["gradient"]), g, rtol=TOL, atol=TOL)
    assert abs(float(got["grad-norm"]) - want["gradNorm"]) <= TOL * max(1.0, want["gradNorm"])
    assert abs(float(got["in-plane"]) - want["inPlane"]) <= 1e-9
    if want["accuracy"] is None:
        assert got["accuracy"] == ""
    else:
        assert float(got["accuracy"]) == pytest.approx(want["accuracy"], abs=1e-12)


@pytest.fixture(scope="module")
def link_slice():
    return SliceSpec.parse(
        {"m": "logistic", "d": "random", "s": "3", "span": "1.5", "t": "20"}
    ).build()


def test_a_link_opens_a_built_in_slice_whose_hover_readout_equals_python(
    page, server_url, link_slice
):
    page.goto(server_url + LINK)
    page.wait_for_selector("[data-testid=plot][data-field=complete]", timeout=180_000)
    assert "logistic" in page.locator("[data-testid=slice-title]").inner_text()
    assert page.locator("[data-testid=formula]").is_hidden()
    assert page.locator(".gs-axis-name-x").inner_text() == "a: random 1"
    assert page.locator(".gs-axis-name-y").inner_text() == "b: random 2"
    for fx, fy in [(0.3, 0.4), (0.71, 0.22), (0.5, 0.5), (0.12, 0.88)]:
        assert_exact(link_slice, hover(page, fx, fy))
    text = page.locator("[data-testid=readout]").inner_text()
    assert "accuracy" in text and "the plane shows" in text
    assert "computing" not in text


def test_the_share_link_reproduces_the_slice_view_and_point(page, server_url, link_slice):
    page.goto(server_url + LINK)
    page.wait_for_selector("[data-testid=plot][data-field=complete]", timeout=180_000)
    page.locator("[data-testid=plot]").focus()
    for _ in range(3):
        page.keyboard.press("+")  # zoom in about the point
    got = hover(page, 0.6, 0.35)
    page.wait_for_timeout(1500)  # the address bar follows after a pause
    link = page.evaluate("() => location.href")
    q = parse_qs(urlparse(link).query)
    assert q["m"] == ["logistic"] and q["d"] == ["random"] and q["s"] == ["3"]
    assert q["span"] == ["1.5"] and q["t"] == ["20"]
    view = page.locator("[data-testid=plot]").get_attribute("data-view")

    fresh = page.context.new_page()
    fresh.goto(link)
    fresh.wait_for_selector("[data-testid=plot][data-field=complete]", timeout=180_000)
    fresh.wait_for_function(
        "() => document.querySelector('[data-testid=readout]').dataset.value !== undefined"
    )
    again = readout(fresh)
    assert_as_linked(again["point"], got["point"], view)
    new_view = fresh.locator("[data-testid=plot]").get_attribute("data-view")
    side = max(nums(view)[1] - nums(view)[0], nums(view)[3] - nums(view)[2])
    np.testing.assert_allclose(nums(new_view), nums(view), rtol=0, atol=1e-4 * side)
    assert_exact(link_slice, again)  # the readout is exact at the point the link names
    fresh.close()


def test_a_bad_slice_link_says_what_to_give(page, server_url, console):
    page.goto(server_url + "/?m=resnet&d=random")
    page.wait_for_selector("[data-testid=readout][data-error]", timeout=30_000)
    msg = page.locator("[data-testid=readout]").get_attribute("data-error")
    assert "Unknown model 'resnet'" in msg and "mlp" in msg
    console.errors.clear()  # the 400 itself is logged by Chromium


def test_a_pytorch_slice_from_python_fills_in_tile_by_tile_and_hover_is_exact(page, torch_server):
    url, s = torch_server
    page.goto(url + "/?id=torch-net")
    # the picture arrives in tiles: partial first, then complete
    page.wait_for_selector("[data-testid=plot][data-field=partial]", timeout=60_000)
    page.wait_for_selector("[data-testid=plot][data-field=complete]", timeout=60_000)
    assert page.locator(".gs-axis-name-x").inner_text() == "a: gradient"
    for fx, fy in [(0.25, 0.3), (0.8, 0.7), (0.45, 0.61)]:
        assert_exact(s, hover(page, fx, fy))
    # a model without accuracy says so with a dash, never a made-up number
    assert page.locator(".gs-ro-accuracy").is_hidden()


def test_a_pending_point_says_computing_and_never_shows_an_interpolated_number(page, torch_server):
    url, s = torch_server
    held = []  # Python's answers for points, held back until the test lets them through
    page.route("**/api/slice/at", lambda route: held.append(route))
    page.goto(url + "/?id=torch-net")
    page.wait_for_selector("[data-testid=plot][data-field=complete]", timeout=60_000)
    box = page.locator("[data-testid=plot]").bounding_box()
    page.mouse.move(box["x"] + 0.33 * box["width"], box["y"] + 0.47 * box["height"])
    page.wait_for_selector("[data-testid=readout][data-pending]")
    r = readout(page)
    assert r["value"] is None and r["gradient"] is None
    text = page.locator("[data-testid=readout]").inner_text()
    assert "L = computing…" in text and "∇L on the plane = computing…" in text
    deadline = time.monotonic() + 30
    while readout(page)["pending"] is not None:
        assert time.monotonic() < deadline, "the readout stayed pending"
        while held:
            held.pop(0).continue_()
        page.wait_for_timeout(50)
    assert_exact(s, readout(page))


def test_the_python_button_gives_code_that_rebuilds_the_slice(page, server_url, link_slice):
    page.goto(server_url + LINK)
    page.wait_for_selector("[data-testid=plot][data-field=complete]", timeout=180_000)
    page.click("[data-testid=python-code]")
    code = page.locator("[data-testid=python-code-text]").inner_text()
    scope: dict[str, object] = {}
    exec(compile(code, "<python button>", "exec"), scope)
    rebuilt = scope["slice_"]
    np.testing.assert_array_equal(rebuilt.d1, link_slice.d1)
    np.testing.assert_array_equal(rebuilt.w0, link_slice.w0)


def test_save_image_downloads_a_png_of_the_slice(page, server_url):
    page.goto(server_url + LINK)
    page.wait_for_selector("[data-testid=plot][data-field=complete]", timeout=180_000)
    with page.expect_download() as dl:
        page.click("[data-testid=save-image]")
    assert dl.value.suggested_filename == "gradscape-slice-logistic-random.png"
    with open(dl.value.path(), "rb") as f:
        data = f.read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000


def test_keyboard_moves_the_point_and_the_live_region_speaks(page, server_url):
    page.goto(server_url + LINK)
    page.wait_for_selector("[data-testid=plot][data-field=complete]", timeout=180_000)
    page.locator("[data-testid=plot]").focus()
    before = readout(page)["point"]
    page.keyboard.press("ArrowRight")
    page.wait_for_function(
        """(b) => { const r = document.querySelector('[data-testid=readout]');
             return r.dataset.point !== b && r.dataset.pending === undefined; }""",
        arg=before,
    )
    p0, p1 = numbers(before), numbers(readout(page)["point"])
    assert p1[0] > p0[0] and p1[1] == p0[1]
    page.wait_for_function(
        "() => /the loss is/.test(document.querySelector('.gs-explorer > .gs-sr').textContent)"
    )
    said = page.locator(".gs-explorer > .gs-sr").inner_text()
    assert "percent of the full gradient" in said


def test_the_formula_explorer_readout_has_data_value(page, server_url):
    from gradscape import Surface

    page.goto(server_url + "/?g=rosenbrock")
    page.wait_for_selector("[data-testid=plot][data-view]")
    box = page.locator("[data-testid=plot]").bounding_box()
    page.mouse.move(box["x"] + 0.37 * box["width"], box["y"] + 0.42 * box["height"])
    r = readout(page)
    p = numbers(r["point"])
    v, _ = Surface("(1 - x)^2 + 100 (y - x^2)^2", ("x", "y")).value_and_gradient(p)
    assert abs(float(r["value"]) - v) <= 1e-12 * max(1.0, abs(v))


def test_an_exported_slice_opens_offline_and_its_readout_equals_python(
    browser, console, tmp_path, link_slice
):
    from gradscape.export import export_slice_html, write_export

    spec = SliceSpec.parse({"m": "logistic", "d": "random", "s": "3", "span": "1.5", "t": "20"})
    path = tmp_path / "slice.html"
    write_export(path, export_slice_html(spec))
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    refused: list[str] = []

    def route(r):
        if r.request.url.startswith(("file://", "blob:")):
            r.continue_()
        else:
            refused.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    page = context.new_page()
    console.attach(page)
    page.goto(path.as_uri())
    page.wait_for_selector("[data-testid=plot][data-field=complete]", timeout=60_000)
    for fx, fy in [(0.2, 0.3), (0.66, 0.71)]:
        assert_exact(link_slice, hover(page, fx, fy))
    # the hash keeps the slice, the window and the point: the link reproduces it from disk
    page.locator("[data-testid=plot]").focus()
    page.keyboard.press("-")
    page.wait_for_timeout(1500)  # the #hash follows after a pause
    link = page.evaluate("() => location.href")
    assert "m=logistic" in link and "p=" in link and "v=" in link
    again = context.new_page()
    console.attach(again)
    again.goto(link)
    again.wait_for_selector("[data-testid=plot][data-field=complete]", timeout=60_000)
    again.wait_for_function(
        "() => document.querySelector('[data-testid=readout]').dataset.value !== undefined"
    )
    shown = page.locator("[data-testid=plot]").get_attribute("data-view")
    assert_as_linked(readout(again)["point"], readout(page)["point"], shown)
    assert_exact(link_slice, readout(again))
    reopened = nums(again.locator("[data-testid=plot]").get_attribute("data-view"))
    side = max(nums(shown)[1] - nums(shown)[0], nums(shown)[3] - nums(shown)[2])
    np.testing.assert_allclose(reopened, nums(shown), rtol=0, atol=1e-4 * side)
    context.close()
    assert refused == [], f"the export asked the network for {refused}"


def test_the_lessons_section_6_opens_its_own_network_in_the_slice_view(page, server_url):
    from gradscape.models.model import lesson_model

    page.goto(server_url + "/lesson", timeout=480_000)
    link = page.locator("[data-testid=lesson-slice-link]")
    link.scroll_into_view_if_needed()
    link.click()
    page.wait_for_selector("[data-testid=plot][data-field=complete]", timeout=180_000)
    assert page.locator(".gs-axis-name-x").inner_text() == "a: gradient"
    page.wait_for_function(
        "() => document.querySelector('[data-testid=readout]').dataset.value !== undefined"
    )
    r = readout(page)
    assert numbers(r["point"]).tolist() == [0.0, 0.0]  # the centre: the lesson's own weights
    model = lesson_model()
    want = model.loss(model.w)
    assert abs(float(r["value"]) - want) <= 1e-10 * want
    assert "1,210 weights" in page.locator("[data-testid=slice-title]").inner_text()
