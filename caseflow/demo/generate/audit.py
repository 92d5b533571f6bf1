"""The audit trail of four years of work: sign-ins, case lists and reads of cases and pupils by the
schools' staff, chained in order with the same HMAC as audit.services and sealed by the head row."""
from __future__ import annotations

import json
from bisect import bisect_right
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import insert, update

from caseflow.audit.models import GENESIS, AuditEntry, AuditHead
from caseflow.audit.services import Pending, entry_hash
from caseflow.demo.generate import shape as sizes
from caseflow.demo.generate.cases import MEAN_OPEN_DAYS, CaseFact
from caseflow.demo.generate.world import World
from caseflow.demo.generate.writer import Progress, Writer
from caseflow.demo.pupils import school_year_start

#: what the staff did, and how often
ACTIONS = (("case.read", 62), ("pupil.read", 12), ("case.list", 12), ("auth.sign_in", 10), ("auth.sign_out", 4))
#: working hours (UTC) the entries fall in
DAY_STARTS, DAY_HOURS = 6, 10


class Chain:
    """Append entries with consecutive seq numbers, each hashed over its predecessor's hash."""

    def __init__(self, writer: Writer):
        self.writer = writer
        self.seq, self.prev = 0, GENESIS

    def append(self, entry: Pending) -> None:
        self.seq += 1
        digest = entry_hash(entry, seq=self.seq, prev_hash=self.prev)
        self.writer.add(AuditEntry, {
            "id": self.seq, "seq": self.seq, "at": entry.at, "user_id": entry.user_id, "username": entry.username,
            "role": entry.role, "institution_id": entry.institution_id, "action": entry.action,
            "object_type": entry.object_type, "object_id": entry.object_id, "pupil_id": entry.pupil_id,
            "ip": entry.ip, "request_id": entry.request_id, "detail": json.dumps(entry.detail, sort_keys=True),
            "prev_hash": self.prev, "hash": digest})
        self.prev = digest

    def seal(self) -> None:
        """Write the head (the migration may have made its row): the chain's last position and hash."""
        self.writer.flush()
        connection = self.writer.connection
        moved = connection.execute(update(AuditHead).where(AuditHead.id == 1).values(seq=self.seq, hash=self.prev))
        if moved.rowcount == 0:
            connection.execute(insert(AuditHead).values(id=1, seq=self.seq, hash=self.prev))


def make_audit(world: World, writer: Writer, progress: Progress, facts: list[CaseFact], total: int) -> Chain:
    """`total` entries in time order over the four school years; returns the open chain."""
    rng = world.rng
    chain = Chain(writer)
    first = date(school_year_start(world.today) - sizes.SCHOOL_YEARS + 1, 9, 1)
    days = max(1, (world.today - first).days)
    opened = [f.opened_on for f in facts]
    window = max(1, int(len(facts) / days * MEAN_OPEN_DAYS))
    names = [a for a, _w in ACTIONS]
    weights = [w for _a, w in ACTIONS]
    with progress("audit entries", total) as advance:
        for i in range(total):
            # slot i of `total` equal slots: times grow with seq, as the chain requires
            moment = (i + rng.random()) * days / total
            day = first + timedelta(days=int(moment))
            when = datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(
                hours=DAY_STARTS + (moment - int(moment)) * DAY_HOURS)
            seen = bisect_right(opened, day)
            fact = facts[rng.randrange(max(0, seen - window), seen)] if seen else None
            chain.append(_entry(rng, when, rng.choices(names, weights)[0], fact))
            if (i + 1) % 10_000 == 0:
                advance(10_000)
        advance(total % 10_000)
    return chain


def _entry(rng, when: datetime, action: str, fact: CaseFact | None) -> Pending:
    school = fact.school if fact else None
    reader = rng.choice(school.pedagogues + school.heads) if school else None
    entry = Pending(action=action, at=when, ip=f"10.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}",
                    request_id=f"{rng.getrandbits(64):016x}")
    if reader is None:
        return entry
    entry.user_id, entry.username = reader.user_id, reader.username
    if action.startswith("auth."):
        entry.object_type, entry.object_id = "User", reader.user_id
        return entry
    entry.role, entry.institution_id = reader.role, reader.institution_id
    if action == "case.read":
        entry.object_type, entry.object_id, entry.pupil_id = "Case", fact.id, fact.pupil_id
        entry.detail = {"permission": "case.view"}
    elif action == "pupil.read":
        entry.object_type, entry.object_id, entry.pupil_id = "Pupil", fact.pupil_id, fact.pupil_id
        entry.detail = {"permission": "pupil.view"}
    else:
        entry.detail = {"filters": [], "shown": [fact.id], "view": "school"}
    return entry


def close_chain(chain: Chain, *, today: date, seed: int, scale: float, counts: dict[str, int]) -> None:
    """The last entry says what was generated; then the head is written."""
    chain.append(Pending(action="demo.generated", at=datetime.combine(today, time(0), tzinfo=UTC), detail={"seed": seed, "scale": scale, **counts}))
    chain.seal()
