"""LibreOffice opens the workbooks caseflow writes: the annual report's and the plan's, every sheet converted
to CSV by a headless soffice run with its own profile, holding the text written into them."""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from caseflow.extensions import db
from caseflow.monitoring.plan_xlsx import export_plan
from tests.monitoring.helpers import seeded_town
from tests.monitoring.test_plan_xlsx import build_plan
from tests.monitoring.test_reports import TEXT, _start

#: every sheet (-1) to CSV in UTF-8 (76), comma-separated (44), quoted with " (34)
CSV_FILTER = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"


@pytest.fixture
def town(app, factory):
    return seeded_town(app, factory, "Daugavpils", "daugavpils")


@pytest.fixture
def soffice() -> str:
    """The soffice command; under CI=true its absence fails the test instead of skipping it."""
    found = shutil.which("soffice")
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail("soffice is missing (make browser installs libreoffice-calc-nogui)")
        pytest.skip("soffice is not installed (make browser installs libreoffice-calc-nogui)")
    return found


def convert(soffice: str, files: dict[str, bytes]) -> dict[str, str]:
    """Convert the workbooks in one soffice run; sheet file name → its CSV text."""
    with tempfile.TemporaryDirectory(prefix="caseflow-lo-") as folder:
        root = Path(folder)
        paths = []
        for name, data in files.items():
            path = root / name
            path.write_bytes(data)
            paths.append(str(path))
        result = subprocess.run(
            [soffice, f"-env:UserInstallation={(root / 'profile').as_uri()}", "--headless", "--norestore",
             "--convert-to", CSV_FILTER, "--outdir", str(root / "out"), *paths],
            capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stderr
        return {path.name: path.read_text(encoding="utf-8") for path in (root / "out").glob("*.csv")}


@pytest.mark.one_backend
def test_libreoffice_converts_the_report_and_plan_workbooks(client, factory, town, app, soffice):
    _m, users = town
    plan_town = factory.municipality()
    factory.login(client, users["coordinator"])
    report_id = _start(client)
    assert client.post(f"/monitoring/reports/{report_id}", data=TEXT).status_code == 302
    report = client.get(f"/monitoring/reports/{report_id}/xlsx")
    assert report.status_code == 200
    with app.app_context():
        plan = export_plan(build_plan(plan_town.id))
        db.session.rollback()
    sheets = convert(soffice, {"parskats.xlsx": report.data, "plans.xlsx": plan})
    assert {"parskats-Rādītāji.csv", "plans-Plāns.csv", "plans-Gadu izpilde.csv"} <= set(sheets)
    assert "2.4-6" in sheets["parskats-Rādītāji.csv"]
    assert any("ģimeņu atbalsts jāstiprina" in text for name, text in sheets.items() if name.startswith("parskats"))
    assert "Atbalsts ģimenēm" in sheets["plans-Plāns.csv"] and "Dagdas JIC" in sheets["plans-Plāns.csv"]
    assert "1500.5" in sheets["plans-Gadu izpilde.csv"]
