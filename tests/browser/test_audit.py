"""The accessibility audit itself: it must catch what it is there to catch,
and pass a page that is in order."""

import pytest

from .audit import audit

GOOD = """<!doctype html><html lang="nl"><head><title>Goed</title>
<style>p, div { margin: 1rem 0; }</style></head><body>
<header><a href="#inhoud">Direct naar de inhoud</a></header>
<main id="inhoud"><h1>Goed</h1>
  <div class="utrecht-alert--error"><p><a href="#naam">Naam: Vul een naam in.</a></p></div>
  <p><label for="naam">Naam</label></p>
  <div class="utrecht-form-field-error-message" id="naam-error"><p>Vul een naam in.</p></div>
  <p><input id="naam" aria-describedby="naam-error" aria-invalid="true"></p>
  <p><button>Opslaan</button></p>
</main></body></html>"""

BAD = """<!doctype html><html lang="en"><head><title>Fout</title>
<style>button:focus { outline: none; } .vaag { color: #aaa; }</style></head><body>
<main><h1>Fout</h1><h3>Te diep</h3>
  <p class="vaag">Te weinig contrast</p>
  <div class="utrecht-alert--error"><a href="#nergens">Naam: Vul een naam in.</a></div>
  <label for="naam">Naam</label>
  <input id="naam">
  <div class="utrecht-form-field-error-message" id="naam-error"><p>Vul een naam in.</p></div>
  <button>Opslaan</button>
</main></body></html>"""


@pytest.fixture
def blank_page(browser):
    context = browser.new_context(locale="nl-NL", timezone_id="Europe/Amsterdam")
    yield context.new_page()
    context.close()


def test_a_page_in_order_passes(blank_page):
    blank_page.set_content(GOOD)
    audit(blank_page)


def test_the_audit_reports_every_kind_of_problem(blank_page):
    blank_page.set_content(BAD)
    with pytest.raises(AssertionError) as failure:
        audit(blank_page)
    report = str(failure.value)
    assert 'the page language is "en", not "nl"' in report
    assert "color-contrast" in report
    assert "heading-order" in report
    assert 'the error "Vul een naam in." is tied to no field' in report
    assert "the error summary link <a> \"Naam: Vul een naam in.\" leads to no field (#nergens)" in report
    assert '<button> "Opslaan" shows no visible focus' in report
