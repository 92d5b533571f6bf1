"""Municipalities, institutions, schools, semesters, taxonomies, staff accounts and cooperation groups."""
from __future__ import annotations

import math
from datetime import UTC, date, datetime, time

from sqlalchemy import select

from caseflow.access.permissions import Role
from caseflow.cases.taxonomy import ListEntry, ListKind, RiskGroup, RiskItem
from caseflow.cases.taxonomy_load import install_profile
from caseflow.demo.generate import shape as sizes
from caseflow.demo.generate.world import (
    Account,
    Group,
    Lists,
    Municipality,
    School,
    SemesterRow,
    World,
)
from caseflow.demo.generate.writer import Writer
from caseflow.demo.loader import SEMESTER_DATES
from caseflow.demo.names import NameGenerator
from caseflow.demo.pupils import school_year_start
from caseflow.meetings.models import (
    CooperationGroup,
    GroupLevel,
    GroupMember,
    GroupMunicipality,
    MeasuresAre,
    MemberKind,
)
from caseflow.people.calendar import Semester
from caseflow.people.models import Institution, InstitutionKind, Membership, Ownership, User
from caseflow.people.models import Municipality as MunicipalityRow

USER_DOMAIN = "gen.caseflow.lv"
CAPITAL_NAME = "Daugavgrīvas valstspilsēta"
_PREFIXES = ("Augš", "Lej", "Vid", "Jaun", "Ziem", "Dien")
_ROOTS = ("kalnes", "upes", "ezeres", "mežu", "pļavu", "lauku", "krastu")

#: (kind, share of a municipality's schools (the shares add up to 1), grades, class letters)
SCHOOL_KINDS = (
    (InstitutionKind.SECONDARY_SCHOOL, 0.45, (1, 12), ("a", "b", "c")),
    (InstitutionKind.BASIC_SCHOOL, 0.25, (1, 9), ("a", "b")),
    (InstitutionKind.STATE_GYMNASIUM, 0.08, (7, 12), ("a", "b")),
    (InstitutionKind.SPECIAL_SCHOOL, 0.10, (1, 9), ("a",)),
    (InstitutionKind.PRIMARY_SCHOOL, 0.06, (1, 6), ("a", "b")),
    (InstitutionKind.VOCATIONAL_SCHOOL, 0.06, (10, 12), ("AM", "PA", "DT")),
)
CLASS_LETTERS = {kind: letters for kind, _share, _grades, letters in SCHOOL_KINDS}
#: institutions outside schools every municipality has: (kind, name pattern, ownership)
OTHER_INSTITUTIONS = (
    (InstitutionKind.OTHER, "%s Centrālā administrācija", Ownership.MUNICIPAL),
    (InstitutionKind.EDUCATION_BOARD, "%s Izglītības pārvalde", Ownership.MUNICIPAL),
    (InstitutionKind.SOCIAL_SERVICE, "%s Sociālais dienests", Ownership.MUNICIPAL),
    (InstitutionKind.ORPHANS_COURT, "%s bāriņtiesa", Ownership.MUNICIPAL),
    (InstitutionKind.MUNICIPAL_POLICE, "%s Pašvaldības policija", Ownership.MUNICIPAL),
    (InstitutionKind.STATE_POLICE, "Valsts policijas %s iecirknis", Ownership.STATE),
    (InstitutionKind.YOUTH_CENTRE, "%s Jauniešu centrs", Ownership.MUNICIPAL),
)
#: where each role outside schools works, and the user-name stem
ROLE_HOME = {
    "coordinator": (InstitutionKind.EDUCATION_BOARD, "koordinators"),
    "analyst": (InstitutionKind.EDUCATION_BOARD, "analitikis"),
    "dpo": (InstitutionKind.OTHER, "dpo"),
    "admin": (InstitutionKind.OTHER, "admin"),
    "social_worker": (InstitutionKind.SOCIAL_SERVICE, "socialais"),
    "orphans_court": (InstitutionKind.ORPHANS_COURT, "barintiesa"),
    "municipal_police": (InstitutionKind.MUNICIPAL_POLICE, "pp"),
    "state_police": (InstitutionKind.STATE_POLICE, "vp"),
}
#: group seats: (institution kind, office, member or advisory)
SEATS = (
    (InstitutionKind.SOCIAL_SERVICE, "Sociālā dienesta pārstāvis", MemberKind.MEMBER),
    (InstitutionKind.ORPHANS_COURT, "Bāriņtiesas pārstāvis", MemberKind.MEMBER),
    (InstitutionKind.MUNICIPAL_POLICE, "Pašvaldības policijas pārstāvis", MemberKind.MEMBER),
    (InstitutionKind.STATE_POLICE, "Valsts policijas pārstāvis", MemberKind.MEMBER),
    (InstitutionKind.YOUTH_CENTRE, "Jauniešu centra vadītājs", MemberKind.ADVISORY),
)


def municipality_name(number: int) -> str:
    """The capital's name, or an invented county name for the others."""
    if number == 1:
        return CAPITAL_NAME
    n = number - 2
    return f"{_PREFIXES[n // len(_ROOTS) % len(_PREFIXES)]}{_ROOTS[n % len(_ROOTS)]} novads"


def make_places(world: World, writer: Writer, shapes) -> None:
    """Municipalities, their institutions and schools, semesters and taxonomy lists."""
    now = world.epoch
    year = school_year_start(world.today)
    for shape in shapes:
        mid = writer.next_id(MunicipalityRow)
        code = f"gen{shape.number}"
        writer.add(MunicipalityRow, {"id": mid, "name": municipality_name(shape.number), "code": code,
                                     "created_at": now})
        municipality = Municipality(mid, code, shape)
        world.municipalities.append(municipality)
        short = municipality_name(shape.number).split()[0]
        for n, (kind, pattern, ownership) in enumerate(OTHER_INSTITUTIONS):
            municipality.institutions[str(kind)] = _institution(
                writer, mid, pattern % short, kind, ownership, f"9{shape.number:03d}{n:07d}", now)
        _schools(world, writer, municipality, short, now)
        _semester_rows(writer, municipality, year, now)
    writer.flush()
    for municipality in world.municipalities:
        install_profile(municipality.id, "riga" if municipality.shape.is_capital else "default")
        municipality.lists = _lists(municipality.id)


def _institution(writer: Writer, mid: int, name: str, kind, ownership, number: str, now) -> int:
    iid = writer.next_id(Institution)
    writer.add(Institution, {"id": iid, "municipality_id": mid, "name": name[:200], "kind": str(kind),
                             "ownership": str(ownership), "registration_number": number,
                             "email": f"pasts{iid}@{USER_DOMAIN}", "opened_on": date(1990, 9, 1),
                             "closed_on": None, "merged_on": None, "merged_into_id": None,
                             "created_at": now})
    return iid


def school_mix(count: int):
    """`count` school kinds in the Riga proportions (largest remainders), in a fixed order."""
    exact = [(kind, share * count) for kind, share, _g, _l in SCHOOL_KINDS]
    whole = {kind: math.floor(x) for kind, x in exact}
    left = count - sum(whole.values())
    for kind, _x in sorted(exact, key=lambda kx: kx[1] - math.floor(kx[1]), reverse=True)[:left]:
        whole[kind] += 1
    return [(kind, grades) for kind, _s, grades, _l in SCHOOL_KINDS for _ in range(whole[kind])]


def _schools(world: World, writer: Writer, municipality: Municipality, short: str, now) -> None:
    rng = world.rng
    kinds = school_mix(municipality.shape.schools)
    sizes_ = [rng.lognormvariate(0, 0.5) * (0.3 if kind == InstitutionKind.SPECIAL_SCHOOL else 1.0)
              for kind, _grades in kinds]
    total = sum(sizes_)
    for n, ((kind, grades), size) in enumerate(zip(kinds, sizes_, strict=True), start=1):
        ownership = Ownership.STATE if kind in (InstitutionKind.STATE_GYMNASIUM, InstitutionKind.VOCATIONAL_SCHOOL) \
            else Ownership.PRIVATE if rng.random() < 0.08 else Ownership.MUNICIPAL
        name = f"{short} {n}. {_KIND_WORD[kind]}"
        iid = _institution(writer, municipality.id, name, kind, ownership,
                           f"4{municipality.shape.number:03d}{n:06d}", now)
        pupils = max(1, round(municipality.shape.pupils * size / total))
        # a few heavy schools open most cases (Pareto tail); vocational and special schools more
        heaviness = min(4.0, rng.paretovariate(2.2)) * (1.6 if kind in (
            InstitutionKind.VOCATIONAL_SCHOOL, InstitutionKind.SPECIAL_SCHOOL) else 1.0)
        municipality.schools.append(School(iid, municipality.id, n, str(kind), grades, pupils, heaviness))
    # rounding: the last school takes the difference so the municipality has exactly its pupils
    drift = municipality.shape.pupils - sum(s.pupils_planned for s in municipality.schools)
    biggest = max(municipality.schools, key=lambda s: s.pupils_planned)
    biggest.pupils_planned += drift


_KIND_WORD = {
    InstitutionKind.SECONDARY_SCHOOL: "vidusskola", InstitutionKind.BASIC_SCHOOL: "pamatskola",
    InstitutionKind.STATE_GYMNASIUM: "Valsts ģimnāzija", InstitutionKind.PRIMARY_SCHOOL: "sākumskola",
    InstitutionKind.SPECIAL_SCHOOL: "speciālā pamatskola", InstitutionKind.VOCATIONAL_SCHOOL: "tehnikums",
}


def _semester_rows(writer: Writer, municipality: Municipality, year: int, now) -> None:
    """Semesters of the four generated school years and the next one."""
    for first in range(year - sizes.SCHOOL_YEARS + 1, year + 2):
        for number, ((m1, d1), (m2, d2)) in enumerate(SEMESTER_DATES, start=1):
            calendar_year = first if number == 1 else first + 1
            sid = writer.next_id(Semester)
            row = SemesterRow(sid, date(calendar_year, m1, d1), date(calendar_year, m2, d2))
            writer.add(Semester, {"id": sid, "municipality_id": municipality.id,
                                  "school_year": f"{first}/{first + 1}", "number": number,
                                  "starts_on": row.starts_on, "ends_on": row.ends_on, "created_at": now})
            municipality.semesters.append(row)


def _lists(mid: int) -> Lists:
    """The taxonomy ids install_profile wrote (one query per list, whatever the data size)."""
    entries = {kind: list(_entries(mid, kind)) for kind in ListKind}
    groups: dict[int, list[tuple[int, bool]]] = {}
    for group_id, item_id, other in _risk_items(mid):
        groups.setdefault(group_id, []).append((item_id, other))
    return Lists(
        categories=[e.id for e in entries[ListKind.CATEGORY]],
        noticed=[e.id for e in entries[ListKind.NOTICED_VIA]],
        outcomes=[e.id for e in entries[ListKind.OUTCOME]],
        dropout_reasons=[e.id for e in entries[ListKind.DROPOUT_REASON]],
        measure_types=[(e.id, bool(e.needs_subject)) for e in entries[ListKind.MEASURE_TYPE]],
        subjects=[e.id for e in entries[ListKind.SUBJECT]],
        risk_groups=list(groups.values()))


def _entries(mid: int, kind: ListKind):
    from caseflow.extensions import db

    return db.session.execute(select(ListEntry.id, ListEntry.needs_subject).where(
        ListEntry.municipality_id == mid, ListEntry.kind == str(kind)).order_by(ListEntry.position))


def _risk_items(mid: int):
    from caseflow.extensions import db

    return db.session.execute(select(RiskGroup.id, RiskItem.id, RiskItem.is_other).join(
        RiskItem, RiskItem.group_id == RiskGroup.id).where(RiskGroup.municipality_id == mid)
        .order_by(RiskGroup.position, RiskItem.position))


# --- accounts ------------------------------------------------------------------------------------

def make_staff(world: World, writer: Writer) -> None:
    """Accounts with memberships in the Riga proportions, in schools and outside them."""
    names = NameGenerator(world.rng)
    started = date(school_year_start(world.today) - 5, 9, 1)
    for municipality in world.municipalities:
        domain = f"{municipality.code}.{USER_DOMAIN}"
        for school in municipality.schools:
            pupils = school.pupils_planned
            for count, role, stem, bucket in (
                    (1 + (pupils > sizes.DEPUTY_FROM_PUPILS), Role.SCHOOL_HEAD, "direktors", school.heads),
                    (max(1, round(pupils / sizes.PUPILS_PER_SOCIAL_PEDAGOGUE)), Role.SOCIAL_PEDAGOGUE, "sp",
                     school.pedagogues),
                    (max(1, round(pupils / sizes.PUPILS_PER_SUPPORT_SPECIALIST)), Role.SUPPORT_SPECIALIST,
                     "psihologs", school.specialists),
                    (max(1, round(pupils / sizes.PUPILS_PER_TEACHER_ACCOUNT)), Role.TEACHER, "skolotajs",
                     school.teachers)):
                for k in range(1, count + 1):
                    bucket.append(_account(world, writer, names, f"{stem}{k}.s{school.number}@{domain}",
                                           role, school.id, started))
        for role, at_scale_one in sizes.MUNICIPAL_ACCOUNTS.items():
            kind, stem = ROLE_HOME[role]
            count = max(1, round(at_scale_one * municipality.shape.weight))
            municipality.staff[role] = [
                _account(world, writer, names, f"{stem}{k}@{domain}", Role(role),
                         municipality.institutions[str(kind)], started) for k in range(1, count + 1)]


def _account(world: World, writer: Writer, names: NameGenerator, username: str, role: Role,
             institution_id: int, started: date) -> Account:
    now = world.epoch
    person = names.person()
    uid = writer.next_id(User)
    writer.add(User, {"id": uid, "username": username, "full_name": person.full_name, "email": username,
                      "password_hash": world.password_hash, "password_changed_at": None,
                      "is_active_account": True, "locale": "lv", "totp_secret_enc": None,
                      "totp_last_counter": None, "totp_enrolled_at": None, "created_at": now,
                      "last_sign_in_at": None})
    mid = writer.next_id(Membership)
    writer.add(Membership, {"id": mid, "user_id": uid, "institution_id": institution_id, "role": str(role),
                            "title": None, "valid_from": started, "valid_to": None, "created_at": now})
    return Account(uid, username, person.full_name, str(role), institution_id, mid)


# --- cooperation groups --------------------------------------------------------------------------

def make_groups(world: World, writer: Writer) -> None:
    """Riga's two levels in the capital (specialists' groups escalate to management), one group elsewhere."""
    founded = date(school_year_start(world.today) - sizes.SCHOOL_YEARS, 6, 1)
    for municipality in world.municipalities:
        coordinators = municipality.staff["coordinator"]
        if municipality.shape.is_capital:
            top = _group(writer, municipality, "Bērnu tiesību aizsardzības vadības grupa",
                         GroupLevel.MANAGEMENT, coordinators[0], None, founded)
            count = max(1, round(4 * municipality.shape.weight))
            working = [_group(writer, municipality, f"Speciālistu sadarbības grupa Nr. {n + 1}",
                              GroupLevel.SPECIALISTS, coordinators[(n + 1) % len(coordinators)], top.id,
                              founded) for n in range(count)]
            municipality.groups = [top, *working]
        else:
            working = [_group(writer, municipality, "Bērnu tiesību aizsardzības sadarbības grupa",
                              GroupLevel.SINGLE, coordinators[0], None, founded)]
            municipality.groups = working
        for n, school in enumerate(municipality.schools):
            school.group_id = working[n % len(working)].id


def _group(writer: Writer, municipality: Municipality, name: str, level: GroupLevel, chair: Account,
           escalates_to: int | None, founded: date) -> Group:
    gid = writer.next_id(CooperationGroup)
    writer.add(CooperationGroup, {
        "id": gid, "name": name, "municipality_id": municipality.id, "level": str(level),
        "escalates_to_id": escalates_to, "measures_are": str(MeasuresAre.RECOMMENDED),
        "founding_decision_date": founded, "founding_decision_number": f"prot. Nr. {gid}",
        "is_active": True, "created_at": datetime.combine(founded, time(9), tzinfo=UTC)})
    writer.add(GroupMunicipality, {"id": writer.next_id(GroupMunicipality), "group_id": gid,
                                   "municipality_id": municipality.id})
    group = Group(gid, municipality.id, str(level), chair, escalates_to=escalates_to)
    board = municipality.institutions[str(InstitutionKind.EDUCATION_BOARD)]
    seats = [(board, "Speciālists bērnu tiesību aizsardzības jautājumos", chair, MemberKind.MEMBER, True)]
    for kind, office, member_kind in SEATS:
        staff = _staff_at(municipality, kind)
        seats.append((municipality.institutions[str(kind)], office, staff, member_kind, False))
    for institution_id, office, account, kind, is_chair in seats:
        member_id = writer.next_id(GroupMember)
        writer.add(GroupMember, {
            "id": member_id, "group_id": gid, "institution_id": institution_id, "office": office,
            "user_id": account.user_id if account else None, "kind": str(kind), "is_chair": is_chair,
            "term_from": founded, "term_to": None})
        group.seats.append((member_id, institution_id, account, str(kind)))
    return group


def _staff_at(municipality: Municipality, kind: InstitutionKind) -> Account | None:
    for role, (home, _stem) in ROLE_HOME.items():
        if home == kind and municipality.staff.get(role):
            return municipality.staff[role][0]
    return None
