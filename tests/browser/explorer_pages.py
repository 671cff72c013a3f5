"""What the explorer's browser tests do to a page, in one place: open it and wait for the first
drawing, move the pointer to a fraction of the plot, read the readout's point."""

from __future__ import annotations


def open_explorer(page, url: str) -> None:
    """Go to `url` and wait for the plot's first real drawing (its data-view)."""
    page.goto(url)
    page.wait_for_selector("[data-testid=plot][data-view]")


def hover_fraction(page, fx: float, fy: float, click: bool = False) -> None:
    """Move the mouse (or click) at a fraction (fx across, fy down) of the plot's box."""
    box = page.locator("[data-testid=plot]").bounding_box()
    x, y = box["x"] + fx * box["width"], box["y"] + fy * box["height"]
    if click:
        page.mouse.click(x, y)
    else:
        page.mouse.move(x, y)


def readout_point(page) -> list[float]:
    """The point the readout shows, at full precision (its data-point)."""
    attr = page.get_by_test_id("readout").get_attribute("data-point") or ""
    return [float(v) for v in attr.split(",")]
