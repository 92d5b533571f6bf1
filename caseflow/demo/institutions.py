"""Data tables for the demo: two fictitious municipalities, their institutions, the cooperation
group's seats and the demo accounts. Shaped like the seed plans (Tukums' six seats, Daugavpils'
cross-municipality pupils, Krāslava's school network), with invented names and numbers."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from caseflow.access.permissions import Role
from caseflow.meetings.models import MemberKind
from caseflow.people.models import InstitutionKind as K
from caseflow.people.models import Ownership

DEMO_PASSWORD = "Ezerkrasti-demo-2026"
USER_DOMAIN = "demo.caseflow.lv"

DEMO_CODE = "ezerkrasti"
SECOND_CODE = "upmala"


@dataclass(frozen=True)
class InstitutionSpec:
    """One institution; schools carry how many demo pupils they get and their grades."""

    key: str
    name: str
    kind: K
    registration_number: str
    opened: date | None = None
    ownership: Ownership = Ownership.MUNICIPAL
    pupils: int = 0
    #: lowest and highest grade (0 = pre-school)
    grades: tuple[int, int] = (1, 9)
    #: parallel class letters, or group names where classes are not numbered
    classes: tuple[str, ...] = ("a",)


@dataclass(frozen=True)
class MunicipalitySpec:
    code: str
    name: str
    institutions: tuple[InstitutionSpec, ...]

    @property
    def email_domain(self) -> str:
        return f"{self.code}.{USER_DOMAIN}"


def _d(year: int, month: int = 9, day: int = 1) -> date:
    return date(year, month, day)


EZERKRASTI = MunicipalitySpec(DEMO_CODE, "Ezerkrastu novads", (
    InstitutionSpec("centrala", "Ezerkrastu novada Centrālā pārvalde", K.OTHER, "90009110001",
                    _d(2021, 7)),
    InstitutionSpec("parvalde", "Ezerkrastu novada Izglītības pārvalde", K.EDUCATION_BOARD,
                    "90009110002", _d(2021, 7)),
    InstitutionSpec("pii", "Ezerkrastu pirmsskolas izglītības iestāde \u201cSaulīte\u201d", K.PRESCHOOL,
                    "4911900101", _d(1984), pupils=8, grades=(0, 0), classes=("Bitītes", "Zīlītes")),
    InstitutionSpec("sakumskola", "Ezerkrastu sākumskola", K.PRIMARY_SCHOOL, "4911900102",
                    _d(1991), pupils=45, grades=(1, 6), classes=("a", "b")),
    InstitutionSpec("pamatskola1", "Ezerkrastu 1. pamatskola", K.BASIC_SCHOOL, "4911900103",
                    _d(1967), pupils=62, grades=(1, 9)),
    InstitutionSpec("ziedkalne", "Ziedkalnes pamatskola", K.BASIC_SCHOOL, "4911900104",
                    _d(1938), pupils=25, grades=(1, 9)),
    InstitutionSpec("vidusskola", "Ezerkrastu vidusskola", K.SECONDARY_SCHOOL, "4911900105",
                    _d(1956), pupils=110, grades=(1, 12), classes=("a", "b")),
    InstitutionSpec("gimnazija", "Ezerkrastu Valsts ģimnāzija", K.STATE_GYMNASIUM, "4911900106",
                    _d(1921), Ownership.STATE, pupils=70, grades=(7, 12), classes=("a", "b")),
    InstitutionSpec("tehnikums", "Ezerkrastu Tehnikums", K.VOCATIONAL_SCHOOL, "4911900107",
                    _d(1962), Ownership.STATE, pupils=40, grades=(10, 12),
                    classes=("AM", "PA", "DT")),
    InstitutionSpec("specskola", "Ezerkrastu speciālā pamatskola", K.SPECIAL_SCHOOL, "4911900108",
                    _d(1975), pupils=15, grades=(1, 9)),
    InstitutionSpec("privatskola", "Privātā pamatskola \u201cĀbeļdārzs\u201d", K.BASIC_SCHOOL,
                    "4911900109", _d(2012), Ownership.PRIVATE, pupils=25, grades=(1, 9)),
    InstitutionSpec("niedraji", "Niedrāju sākumskola", K.PRIMARY_SCHOOL, "4911900110", _d(1936),
                    grades=(1, 6)),
    InstitutionSpec("lejaskalns", "Lejaskalna pamatskola", K.BASIC_SCHOOL, "4911900111", _d(1949)),
    InstitutionSpec("soc", "Ezerkrastu novada Sociālais dienests", K.SOCIAL_SERVICE, "90009110003",
                    _d(2021, 7)),
    InstitutionSpec("barintiesa", "Ezerkrastu novada bāriņtiesa", K.ORPHANS_COURT, "90009110004",
                    _d(2021, 7)),
    InstitutionSpec("pp", "Ezerkrastu novada Pašvaldības policija", K.MUNICIPAL_POLICE,
                    "90009110005", _d(2021, 7)),
    InstitutionSpec("vp", "Valsts policijas Latgales reģiona pārvaldes Ezerkrastu iecirknis",
                    K.STATE_POLICE, "90009110006", _d(2010, 1, 4), Ownership.STATE),
    InstitutionSpec("jc", "Ezerkrastu Jauniešu centrs \u201cVilnis\u201d", K.YOUTH_CENTRE, "90009110007",
                    _d(2014, 5, 15)),
    InstitutionSpec("ngo", "Biedrība \u201cEzerkrastu ģimeņu atbalsta centrs\u201d", K.NGO,
                    "40009110008", _d(2009, 3, 12), Ownership.PRIVATE),
))

UPMALA = MunicipalitySpec(SECOND_CODE, "Upmalas novads", (
    InstitutionSpec("u.parvalde", "Upmalas novada Izglītības pārvalde", K.EDUCATION_BOARD,
                    "90009120001", _d(2021, 7)),
    InstitutionSpec("u.vidusskola", "Upmalas vidusskola", K.SECONDARY_SCHOOL, "4912900101",
                    _d(1959), pupils=38, grades=(1, 12)),
    InstitutionSpec("u.pamatskola", "Upmalas pamatskola", K.BASIC_SCHOOL, "4912900102", _d(1927),
                    pupils=22, grades=(1, 9)),
    InstitutionSpec("u.soc", "Upmalas novada Sociālais dienests", K.SOCIAL_SERVICE, "90009120002",
                    _d(2021, 7)),
    InstitutionSpec("u.barintiesa", "Upmalas novada bāriņtiesa", K.ORPHANS_COURT, "90009120003",
                    _d(2021, 7)),
))

MUNICIPALITIES = (EZERKRASTI, UPMALA)
INSTITUTIONS = {spec.key: spec for m in MUNICIPALITIES for spec in m.institutions}
MUNICIPALITY_OF = {spec.key: m.code for m in MUNICIPALITIES for spec in m.institutions}
PUPIL_TOTAL = sum(spec.pupils for spec in INSTITUTIONS.values())

#: (school, merged into, school years before the current one): merged at that year's 1 September
MERGER = ("niedraji", "pamatskola1", 4)
#: (school, where its pupils went, school years before the current one): closed on 1 July of
#: the calendar year that school year ended in; its pupils continued at the other school
CLOSURE = ("lejaskalns", "ziedkalne", 3)


@dataclass(frozen=True)
class GroupSpec:
    name: str
    municipality: str
    served: tuple[str, ...]
    founding_decision_date: date
    founding_decision_number: str


@dataclass(frozen=True)
class SeatSpec:
    institution: str
    office: str
    kind: MemberKind = MemberKind.MEMBER
    is_chair: bool = False
    #: account (user name before the @) that sits in the seat
    user: str | None = None


GROUP = GroupSpec("Ezerkrastu un Upmalas novadu bērnu tiesību aizsardzības sadarbības grupa",
                  DEMO_CODE, (DEMO_CODE, SECOND_CODE), date(2022, 11, 24), "prot. Nr. 18, 12. §")
GROUP_TERM_FROM = date(2022, 12, 1)

SEATS = (
    SeatSpec("parvalde", "Speciālists bērnu tiesību aizsardzības jautājumos", is_chair=True,
             user="koordinators"),
    SeatSpec("soc", "Sociālā dienesta Ģimenes atbalsta nodaļas vadītājs",
             user="socialais.dienests"),
    SeatSpec("barintiesa", "Bāriņtiesas priekšsēdētājs", user="barintiesa"),
    SeatSpec("pp", "Pašvaldības policijas pārstāvis", user="pasvaldibas.policija"),
    SeatSpec("vp", "Valsts policijas Latgales reģiona pārvaldes Ezerkrastu iecirkņa pārstāvis",
             user="valsts.policija"),
    SeatSpec("u.parvalde", "Upmalas novada speciālists bērnu tiesību aizsardzības jautājumos",
             user="koordinators.upmala"),
    SeatSpec("u.soc", "Upmalas novada Sociālā dienesta pārstāvis"),
    SeatSpec("u.barintiesa", "Upmalas novada bāriņtiesas pārstāvis"),
    SeatSpec("jc", "Jauniešu centra vadītājs", MemberKind.ADVISORY),
    SeatSpec("vidusskola", "Izglītības iestādes pārstāvis (sociālais pedagogs)",
             MemberKind.ADVISORY, user="sp.skola1"),
    SeatSpec("ngo", "Nevalstiskās organizācijas pārstāvis", MemberKind.ADVISORY),
)


@dataclass(frozen=True)
class AccountSpec:
    """A demo account: user name before the @, full name, and (institution, role, title) rows."""

    login: str
    full_name: str
    memberships: tuple[tuple[str, Role, str], ...]

    @property
    def username(self) -> str:
        return f"{self.login}@{USER_DOMAIN}"


def _one(login: str, full_name: str, institution: str, role: Role, title: str) -> AccountSpec:
    return AccountSpec(login, full_name, ((institution, role, title),))


ACCOUNTS = (
    _one("admin", "Gatis Zālītis", "centrala", Role.ADMIN, "Sistēmas administrators"),
    _one("dpo", "Inese Strautiņa", "centrala", Role.DPO, "Datu aizsardzības speciāliste"),
    _one("koordinators", "Ilze Kalniņa", "parvalde", Role.COORDINATOR,
         "Speciāliste bērnu tiesību aizsardzības jautājumos"),
    _one("analitikis", "Edgars Rūsis", "parvalde", Role.ANALYST,
         "PMP darba grupas analītiķis"),
    _one("direktors.skola1", "Aivars Līcītis", "vidusskola", Role.SCHOOL_HEAD, "Direktors"),
    _one("sp.skola1", "Dace Ērgle", "vidusskola", Role.SOCIAL_PEDAGOGUE, "Sociālā pedagoģe"),
    _one("psihologs.skola1", "Līga Vīksna", "vidusskola", Role.SUPPORT_SPECIALIST,
         "Izglītības psiholoģe"),
    _one("skolotajs.skola1", "Sandra Ķēniņa", "vidusskola", Role.TEACHER,
         "Klases audzinātāja, 7.b"),
    _one("direktors.skola2", "Vija Grāvīte", "pamatskola1", Role.SCHOOL_HEAD,
         "Direktora vietniece izglītības jomā"),
    _one("sp.skola2", "Kristīne Pūce", "pamatskola1", Role.SOCIAL_PEDAGOGUE, "Sociālā pedagoģe"),
    _one("psihologs.skola2", "Juris Ķirsis", "pamatskola1", Role.SUPPORT_SPECIALIST,
         "Izglītības psihologs"),
    _one("skolotajs.skola2", "Guna Āriņa", "pamatskola1", Role.TEACHER,
         "Klases audzinātāja, 5.a"),
    _one("socialais.dienests", "Māra Dūmiņa", "soc", Role.SOCIAL_WORKER,
         "Ģimenes atbalsta nodaļas vadītāja"),
    _one("barintiesa", "Baiba Ļaviņa", "barintiesa", Role.ORPHANS_COURT,
         "Bāriņtiesas priekšsēdētāja"),
    _one("pasvaldibas.policija", "Valdis Čaupals", "pp", Role.MUNICIPAL_POLICE,
         "Pašvaldības policijas inspektors"),
    _one("valsts.policija", "Normunds Žīgurs", "vp", Role.STATE_POLICE,
         "Iecirkņa inspektors"),
    AccountSpec("sp.divas.skolas", "Evita Priedīte", (
        ("ziedkalne", Role.SOCIAL_PEDAGOGUE, "Sociālā pedagoģe"),
        ("specskola", Role.SOCIAL_PEDAGOGUE, "Sociālā pedagoģe (0,5 slodze)"),
    )),
    _one("koordinators.upmala", "Santa Ūdre", "u.parvalde", Role.COORDINATOR,
         "Speciāliste bērnu tiesību aizsardzības jautājumos"),
    _one("sp.upmala", "Agnese Dzērve", "u.vidusskola", Role.SOCIAL_PEDAGOGUE,
         "Sociālā pedagoģe"),
)
