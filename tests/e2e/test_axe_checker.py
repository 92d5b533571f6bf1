"""The accessibility checker itself: it must fail on a violation, or every other test proves nothing."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e


def test_the_checker_reports_violations_and_passes_a_clean_page(page, axe):
    page.set_content('<!doctype html><html lang="en"><head><title>Broken</title></head><body><main>'
                     '<h1>Broken</h1><img src="data:,"><label>Name</label><input id="x">'
                     '<p style="color:#bbb">faint</p></main></body></html>')
    with pytest.raises(AssertionError) as failure:
        axe.check(page)
    for rule in ("image-alt", "label", "color-contrast"):
        assert f'"{rule}"' in str(failure.value)

    page.set_content('<!doctype html><html lang="en"><head><title>Fine</title></head><body><main>'
                     '<h1>Fine</h1><label for="x">Name</label><input id="x"></main></body></html>')
    axe.check(page)
