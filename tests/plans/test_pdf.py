"""The plan as a tagged PDF in Latvian for a meeting with the parents (read back with pdftotext)."""
from __future__ import annotations

import shutil
import subprocess
from datetime import timedelta

import pytest

from caseflow.extensions import db
from caseflow.plans.models import SupportPlan
from tests.plans.helpers import TODAY, audit_actions, delivered, measure, plan

GOALS = "Uzlabot lasītprasmi un ģimenes sadarbību ar skolu."


def pdf_text(data: bytes, tmp_path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (Debian's poppler-utils) is not installed")
    path = tmp_path / "plan.pdf"
    path.write_bytes(data)
    done = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True,
                          timeout=60)
    return " ".join(done.stdout.decode("utf-8").split())


def test_the_pdf_holds_the_plan_in_latvian(app, client, factory, world, tmp_path):
    case = factory.case(world.pupil.id, world.school.id, world.pedagogue.id)
    plan_id = plan(app, pupil_id=world.pupil.id, school_id=world.school.id, created_by_id=world.pedagogue.id,
                   semester_id=world.current, case_id=case.id, goals=GOALS)
    first = measure(app, plan_id, world.consultation, subject_id=world.maths, deliverer_id=world.teacher.id,
                    planned="12.5", basis="Logopēda atzinums")
    measure(app, plan_id, world.psychologist, deliverer_id=None, planned="4")
    delivered(app, first, world.teacher.id, hours="1.5")
    with app.app_context():
        evaluated = db.session.get(SupportPlan, plan_id)
        evaluated.status, evaluated.learning_dynamics = "evaluated", "improved"
        evaluated.evaluated_on = evaluated.parents_informed_on = TODAY - timedelta(days=1)
        db.session.commit()

    factory.login(client, world.pedagogue)  # an English-speaking user: the PDF is Latvian all the same
    response = client.get(f"/plans/{plan_id}/pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith(f'attachment; filename="atbalsta-plans-{plan_id}.pdf"')
    assert response.headers["Cache-Control"] == "no-store"
    text = pdf_text(response.data, tmp_path)
    for expected in ("Žanis Ķirsis", "Ābeļu pamatskola", "7.b", GOALS, "Logopēda atzinums", "L-000001",
                     "Individuālas konsultācijas mācību priekšmetā: Matemātika", "Psihologa konsultācijas",
                     "12,5", "1,5", "16,5", TODAY.strftime("%d.%m.%Y.")):
        assert expected in text, expected
    assert "plan.pdf" in audit_actions(app)


@pytest.mark.parametrize("who", ["teacher", "other_pedagogue", "coordinator"])
def test_the_pdf_is_not_for_others(app, client, factory, world, who):
    plan_id = plan(app, pupil_id=world.pupil.id, school_id=world.school.id, created_by_id=world.pedagogue.id,
                   semester_id=world.current)
    measure(app, plan_id, world.psychologist, deliverer_id=world.teacher.id)
    factory.login(client, getattr(world, who))
    assert client.get(f"/plans/{plan_id}/pdf").status_code == 404
    assert "plan.pdf" not in audit_actions(app)


def test_a_specialist_who_delivers_but_is_not_on_the_team_does_not_learn_the_case_number(
        app, client, factory, world, tmp_path):
    case = factory.case(world.pupil.id, world.school.id, world.pedagogue.id)
    plan_id = plan(app, pupil_id=world.pupil.id, school_id=world.school.id, created_by_id=world.pedagogue.id,
                   semester_id=world.current, case_id=case.id, goals=GOALS)
    measure(app, plan_id, world.psychologist, deliverer_id=world.specialist.id, planned="4")
    factory.login(client, world.specialist)
    page = client.get(f"/plans/{plan_id}")
    assert page.status_code == 200 and GOALS in page.text
    assert "L-000001" not in page.text and f"/cases/{case.id}" not in page.text
    text = pdf_text(client.get(f"/plans/{plan_id}/pdf").data, tmp_path)
    assert GOALS in text and "L-000001" not in text
    factory.login(client, world.pedagogue)
    assert "L-000001" in client.get(f"/plans/{plan_id}").text
