"""Charts as SVG drawn on the server: no script, no CDN, printable.

Each chart is plain geometry that a template turns into SVG; its figures
also go into a table beside it (the text equivalent). The colours each have
a contrast of at least 3:1 against the white background (WCAG 1.4.11), and
colour never carries the meaning alone: bars are named in a legend and in
the table, lines have their own marker shape and dash pattern.
"""

from dataclasses import dataclass, field
from math import ceil, log10

from ..interactions.models import Level

BACKGROUND = "#ffffff"
# Per level: dark teal, burnt orange, purple.
LEVEL_COLOURS = {Level.POLITICAL: "#005a71", Level.SENIOR_OFFICIAL: "#a6480e", Level.OFFICIAL: "#6a3d9a"}
# Per opgave, in order; a seventh opgave starts again with another dash pattern.
LINE_COLOURS = ["#005a71", "#a6480e", "#6a3d9a", "#2c6e2f", "#b0185a", "#4d4d4d"]
MARKERS = ["circle", "square", "triangle", "diamond", "cross", "plus"]
DASHES = ["", "6 3", "2 3", "8 3 2 3"]
# The matrix's one scale, light to dark, with the text colour each needs.
HEAT_STEPS = 5
HEAT_COLOURS = ["#ffffff", "#e0f0f4", "#b3dbe6", "#7fbfd2", "#1f7891", "#00475a"]
HEAT_TEXT = ["#1a1a1a", "#1a1a1a", "#1a1a1a", "#1a1a1a", "#ffffff", "#ffffff"]

WIDTH = 760
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 16, 40


def nice_maximum(value: int) -> tuple[int, int]:
    """An axis maximum at or above `value` and its tick step (1, 2 or 5 × 10ⁿ)."""
    if value <= 0:
        return 1, 1
    magnitude = 10 ** int(log10(value / 4)) if value >= 4 else 1
    for factor in (1, 2, 5, 10):
        step = factor * magnitude
        if value / step <= 5:
            return int(ceil(value / step) * step), step
    return int(ceil(value / (10 * magnitude)) * 10 * magnitude), 10 * magnitude


def heat_step(value: int, largest: int) -> int:
    """A count's place on the matrix scale: 0 for none, else 1 to HEAT_STEPS."""
    if value <= 0 or largest <= 0:
        return 0
    return max(1, ceil(value * HEAT_STEPS / largest))


def heat_ranges(largest: int) -> list[tuple[int, int, int]]:
    """(step, lowest, highest) count per step of the scale, for its legend."""
    ranges = [(0, 0, 0)]
    low = 1
    for step in range(1, HEAT_STEPS + 1):
        high = largest * step // HEAT_STEPS
        if high >= low:
            ranges.append((step, low, high))
            low = high + 1
    return ranges


@dataclass
class Tick:
    y: float
    label: str


@dataclass
class Rect:
    x: float
    y: float
    width: float
    height: float
    colour: str


@dataclass
class Label:
    x: float
    y: float
    text: str
    anchor: str = "middle"


@dataclass
class Chart:
    width: int
    height: int
    ticks: list[Tick] = field(default_factory=list)
    rects: list[Rect] = field(default_factory=list)
    labels: list[Label] = field(default_factory=list)
    lines: list[dict] = field(default_factory=list)
    plot_left: float = LEFT
    plot_right: float = WIDTH - RIGHT
    baseline: float = 0


def _axis(chart: Chart, largest: int, plot_height: float) -> tuple[float, int]:
    maximum, step = nice_maximum(largest)
    for value in range(0, maximum + 1, step):
        chart.ticks.append(Tick(TOP + plot_height - plot_height * value / maximum, str(value)))
    return plot_height / maximum, maximum


def stacked_columns(categories: list[str], stacks: list[dict[object, int]], colours: dict, height: int = 240,
                    label_every: int | None = None) -> Chart:
    """Vertical bars, one per category, each stacked by key in `colours`' order."""
    chart = Chart(WIDTH, height)
    plot_height = height - TOP - BOTTOM
    chart.baseline = TOP + plot_height
    largest = max((sum(stack.values()) for stack in stacks), default=0)
    scale, _maximum = _axis(chart, largest, plot_height)
    slot = (chart.plot_right - chart.plot_left) / max(len(categories), 1)
    bar = max(slot * 0.75, 1)
    label_every = label_every or max(1, ceil(len(categories) / 13))
    for index, (category, stack) in enumerate(zip(categories, stacks)):
        x = chart.plot_left + index * slot + (slot - bar) / 2
        y = chart.baseline
        for key, colour in colours.items():
            size = stack.get(key, 0) * scale
            if size:
                y -= size
                chart.rects.append(Rect(round(x, 2), round(y, 2), round(bar, 2), round(size, 2), colour))
        if index % label_every == 0:
            chart.labels.append(Label(round(x + bar / 2, 2), chart.baseline + 16, category))
    return chart


def stacked_rows(categories: list[str], stacks: list[dict[object, int]], colours: dict) -> Chart:
    """Horizontal bars, one per category, named on the left and with their total on the right."""
    row, label_width = 28, 220
    height = TOP + row * len(categories) + 8
    chart = Chart(WIDTH, height, plot_left=label_width, plot_right=WIDTH - 60)
    largest = max((sum(stack.values()) for stack in stacks), default=0)
    scale = (chart.plot_right - chart.plot_left) / largest if largest else 0
    for index, (category, stack) in enumerate(zip(categories, stacks)):
        y = TOP + index * row
        x = chart.plot_left
        for key, colour in colours.items():
            size = stack.get(key, 0) * scale
            if size:
                chart.rects.append(Rect(round(x, 2), y, round(size, 2), row - 8, colour))
                x += size
        chart.labels.append(Label(chart.plot_left - 8, y + row / 2, category, "end"))
        chart.labels.append(Label(x + 6, y + row / 2, str(sum(stack.values())), "start"))
    return chart


def lines(categories: list[str], series: list[tuple[str, list[int]]], height: int = 280) -> Chart:
    """One line per series, each with its colour, marker and dash pattern."""
    chart = Chart(WIDTH, height)
    plot_height = height - TOP - BOTTOM
    chart.baseline = TOP + plot_height
    largest = max((value for _name, values in series for value in values), default=0)
    scale, _maximum = _axis(chart, largest, plot_height)
    slot = (chart.plot_right - chart.plot_left) / max(len(categories), 1)
    label_every = max(1, ceil(len(categories) / 13))
    for index, category in enumerate(categories):
        if index % label_every == 0:
            chart.labels.append(Label(round(chart.plot_left + slot * (index + 0.5), 2), chart.baseline + 16, category))
    for number, (name, values) in enumerate(series):
        points = [(round(chart.plot_left + slot * (index + 0.5), 2), round(chart.baseline - value * scale, 2))
                  for index, value in enumerate(values)]
        chart.lines.append({"name": name, "points": points, **line_style(number)})
    return chart


def line_style(number: int) -> dict:
    return {"colour": LINE_COLOURS[number % len(LINE_COLOURS)], "marker": MARKERS[number % len(MARKERS)],
            "dash": DASHES[(number // len(LINE_COLOURS)) % len(DASHES)]}
