"""Someone using the app in the browser, with the mouse or with the keyboard.

A journey is written once; `Person(keyboard=True)` walks it with Tab,
Shift+Tab, Enter, Space, the arrow keys and typing only: no mouse, no
`.click()`. Every page a person reaches is checked by `audit`, and a page
that fails to load, logs a JavaScript or CSP error, or misses a stylesheet
or script fails the test.
"""

from datetime import date

from playwright.sync_api import Locator, Page

from .audit import Audit

MAX_TAB_PRESSES = 400

# Where the focus is relative to an element: 0 on it, 1 before it, -1 after it.
FOCUS_POSITION = """(el) => {
  const active = document.activeElement;
  if (active === el) return 0;
  if (!active || active === document.body) return 1;
  return active.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING ? 1 : -1;
}"""


class Person:
    def __init__(self, page: Page, keyboard: bool, known_as: tuple[str, ...] = ()):
        self.page = page
        self.keyboard = keyboard
        # How the header names this person ("name · role"): a page that
        # differs from one already audited only in that is not audited anew.
        self.known_as = known_as
        self.problems: list[str] = []
        page.on("pageerror", lambda error: self.problems.append(f"JavaScript error: {error}"))
        page.on("console", self._console)
        page.on("response", self._subresource)

    def _console(self, message):
        # The browser also logs every 4xx page it is shown; those are checked
        # through the response status instead.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.problems.append(f"console error: {message.text}")

    def _subresource(self, response):
        kind = response.request.resource_type
        if kind in ("stylesheet", "script", "font", "image") and response.status >= 400:
            self.problems.append(f"{kind} {response.url} answered {response.status}")

    # Arriving on a page.

    def visit(self, path: str, status: int = 200, wait_for_audit: bool = True) -> Audit:
        """Types an address into the address bar. Returns the page's audit,
        finished unless told not to wait for it."""
        return self._arrived(self.page.goto(path), status, wait_for_audit)

    def _arrived(self, response, status, wait_for_audit=True) -> Audit:
        assert response is not None and response.status == status, (
            f"{self.page.url} answered {response.status if response else 'nothing'}, not {status}")
        self.page.wait_for_load_state("load")
        problems, self.problems = self.problems, []
        assert not problems, f"on {self.page.url}: " + "; ".join(problems)
        audit = Audit(self.page, self.known_as)
        if wait_for_audit:
            audit.finish()
        return audit

    def _navigate(self, action, status: int):
        with self.page.expect_navigation() as navigation:
            action()
        return self._arrived(navigation.value, status)

    def follow(self, link: Locator, status: int = 200):
        """Follows a link to another page: a click, or Tab to it and Enter."""
        if self.keyboard:
            return self._navigate(lambda: (self.tab_to(link), self.page.keyboard.press("Enter")), status)
        return self._navigate(link.click, status)

    def press(self, button: Locator, status: int = 200):
        """Presses a button that sends a form: a click, or Tab to it and Space."""
        if self.keyboard:
            return self._navigate(lambda: (self.tab_to(button), self.page.keyboard.press("Space")), status)
        return self._navigate(button.click, status)

    # Within a page.

    def jump(self, link: Locator) -> None:
        """Follows a link within the page, such as one in an error summary."""
        if self.keyboard:
            self.tab_to(link)
            self.page.keyboard.press("Enter")
        else:
            link.click()

    def tab_to(self, target: Locator) -> None:
        """Moves the focus to an element with Tab and Shift+Tab only, and
        checks that the element shows it has the focus."""
        target.wait_for(state="visible")
        handle = target.element_handle()
        for _ in range(MAX_TAB_PRESSES):
            position = handle.evaluate(FOCUS_POSITION)
            if position == 0:
                break
            self.page.keyboard.press("Tab" if position > 0 else "Shift+Tab")
        else:
            raise AssertionError(f"the keyboard cannot reach {target}")
        assert handle.evaluate("el => el.matches(':focus-visible')"), f"{target} shows no focus"

    def fill(self, field: Locator, text: str) -> None:
        if self.keyboard:
            self.tab_to(field)
            self.page.keyboard.press("ControlOrMeta+A")
            self.page.keyboard.press("Delete")
            self.page.keyboard.type(text)
        else:
            field.click()
            field.fill(text)
        assert field.input_value() == text

    def choose(self, select: Locator, label: str) -> None:
        """Picks an option of a select by its text: with the arrow keys on the
        closed select, as a keyboard user does."""
        if not self.keyboard:
            select.select_option(label=label)
        else:
            self.tab_to(select)
            labels = select.evaluate("el => [...el.options].map(option => option.text.trim())")
            assert label in labels, f"{label!r} is not among {labels}"
            steps = labels.index(label) - select.evaluate("el => el.selectedIndex")
            for _ in range(abs(steps)):
                self.page.keyboard.press("ArrowDown" if steps > 0 else "ArrowUp")
        assert select.evaluate("el => el.options[el.selectedIndex].text.trim()") == label

    def tick(self, checkbox: Locator) -> None:
        if self.keyboard:
            self.tab_to(checkbox)
            self.page.keyboard.press("Space")
        else:
            checkbox.click()
        assert checkbox.is_checked()

    def expand(self, summary: Locator) -> None:
        """Opens a details section by its summary."""
        if self.keyboard:
            self.tab_to(summary)
            self.page.keyboard.press("Enter")
        else:
            summary.click()
        assert summary.evaluate("el => el.parentElement.open")

    def fill_date(self, field: Locator, day: date) -> None:
        """A date field: typed digit by digit in the order the browser's date
        field shows (dd-mm-jjjj in a Dutch chromium, mm/dd/yyyy in one that has
        only its English locale), or picked."""
        if self.keyboard:
            self.tab_to(field)
            self.page.keyboard.type(day.strftime(self._date_order()))
        else:
            field.click()
            field.fill(day.isoformat())
        assert field.input_value() == day.isoformat()

    def _date_order(self) -> str:
        global _date_order
        if _date_order is None:
            probe = self.page.context.new_page()
            probe.set_content('<input aria-label="eerste"><input type="date" aria-label="datum">')
            probe.get_by_label("eerste").focus()
            probe.keyboard.press("Tab")
            probe.keyboard.type("01022026")
            _date_order = {"2026-01-02": "%m%d%Y", "2026-02-01": "%d%m%Y"}.get(
                probe.get_by_label("datum").input_value(), "%Y%m%d")
            probe.close()
        return _date_order


_date_order = None
