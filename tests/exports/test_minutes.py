"""Minutes as XLSX: exactly the parts the reader may read on the minutes page — the whole minutes for
the chair (and members until approval), only their institution's part for a member afterwards."""
from __future__ import annotations

from datetime import datetime

import pytest

from tests.exports.helpers import assert_download, audit_entries, detail, workbook
from tests.meetings.recording_helpers import DISCUSSION, MEASURE, today
from tests.meetings.test_minutes import GENERAL, POLICE_TASK, approve, minutes_url, recorded_session
from tests.meetings.world import item

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _export(client, s):
    return client.get(f"/exports/sessions/{s}/minutes.xlsx")


def _texts(sheets) -> set:
    return {str(v) for rows in sheets.values() for row in rows for v in row if v is not None}


def test_the_chair_gets_the_whole_draft(app, client, factory, world):
    s, _case_item = recorded_session(app, client, factory, world)
    client.post(minutes_url(s, "/text"), data={"text": GENERAL})
    response = _export(client, s)
    assert_download(response, f"protokols-{today().year}-1.xlsx", XLSX)
    sheets = workbook(response.data)
    assert list(sheets) == ["Minutes", "Attendance", "Agenda items", "Decided measures"]
    facts = dict(r[:2] for r in sheets["Minutes"])
    assert facts["Group"] == "Ezerkrastu sadarbības grupa" and facts["Status"] == "Draft"
    assert facts["General part"] == GENERAL and isinstance(facts["Date and time"], datetime)
    items = sheets["Agenda items"]
    assert items[0] == ("No.", "Item", "What the institutions reported", "Discussion", "Outcome", "Next evaluation")
    assert items[1][:2] == (1, f"Case L-{world.case.id:06d}: Marta Kalniņa")
    assert "Ezerkrastu sociālais dienests: Sociālais dienests apmeklēja ģimeni" in items[1][2]
    assert items[1][3] == DISCUSSION and items[1][4] == "New measures" and isinstance(items[1][5], datetime)
    assert items[2][:2] == (2, "Kavējumu uzskaite skolās")
    measures = sheets["Decided measures"]
    assert {(r[2], r[3]) for r in measures[1:]} == {
        (MEASURE, "Ezerkrastu sociālais dienests"), (POLICE_TASK, "Ezerkrastu pašvaldības policija"),
        ("Iesniegt kavējumu pārskatu", "Ezerkrastu vidusskola")}
    assert all(isinstance(r[5], datetime) for r in measures[1:])
    assert len(sheets["Attendance"]) == 7  # a header and six seats


def test_before_approval_a_member_reads_the_whole_minutes_as_on_the_page(app, client, factory, world):
    s, _case_item = recorded_session(app, client, factory, world)
    factory.login(client, world.inspector)
    everything = "\n".join(_texts(workbook(_export(client, s).data)))
    for expected in (MEASURE, POLICE_TASK, "Bāriņtiesa ziņo", "Iesniegt kavējumu pārskatu"):
        assert expected in everything, expected


def test_after_approval_a_member_gets_only_their_institutions_part(app, client, factory, world):
    s, _case_item = recorded_session(app, client, factory, world)
    client.post(minutes_url(s, "/text"), data={"text": GENERAL})
    other = item(app, s, case_id=world.case2.id, position=3)
    approve(app, client, factory, world, s)
    factory.login(client, world.inspector)  # the municipal police holds the police measure
    page = client.get(minutes_url(s)).text
    assert "Download my institution's part (XLSX)" in page
    sheets = workbook(_export(client, s).data)
    texts = _texts(sheets)
    assert POLICE_TASK in texts and MEASURE not in texts and GENERAL not in texts
    assert "Attendance" not in sheets and "Iesniegt kavējumu pārskatu" not in texts
    assert not any("Jānis Ozols" in t for t in texts)
    assert [r[1] for r in sheets["Agenda items"][1:]] == [f"Case L-{world.case.id:06d}: Marta Kalniņa"]
    entries = audit_entries(app, "export.minutes")
    assert [detail(e) for e in entries if e.action == "export.minutes"] == [
        {"format": "xlsx", "rows": 1, "own_part": True}]
    assert [(e.object_type, e.pupil_id) for e in entries if e.action == "export.minutes.row"] == [
        ("AgendaItem", world.pupil.id)]
    assert other and not any(e.object_id == other for e in entries)


def test_the_chair_reads_all_after_approval_and_every_child_is_audited(app, client, factory, world):
    s, case_item = recorded_session(app, client, factory, world)
    approve(app, client, factory, world, s)
    sheets = workbook(_export(client, s).data)
    assert dict(r[:2] for r in sheets["Minutes"])["Status"] == "Approved"
    assert {MEASURE, POLICE_TASK} <= _texts(sheets)
    rows = [e for e in audit_entries(app, "export.minutes") if e.action == "export.minutes.row"]
    assert [(e.object_id, e.pupil_id) for e in rows] == [(case_item, world.pupil.id)]


@pytest.mark.parametrize("who", ["away_chair", "teacher", "pedagogue2"])
def test_who_may_not_read_the_minutes_gets_the_pages_answer(app, client, factory, world, who):
    s, _case_item = recorded_session(app, client, factory, world)
    factory.login(client, getattr(world, who))
    page = client.get(minutes_url(s)).status_code
    assert page in (403, 404)
    assert _export(client, s).status_code == page
    assert audit_entries(app) == []
