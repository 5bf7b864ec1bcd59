"""People and households: ages by China's 2020 census pyramid, household compositions, IDs, tags."""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import accumulate

from graph.model.validators import id_check_code
from ingest.generator.names import (
    ELDER_FEMALE_CHARS,
    ELDER_MALE_CHARS,
    FEMALE_CHARS,
    LOCAL_AREA_CODES,
    MALE_CHARS,
    ORIGIN_AREA_CODES,
    SURNAMES,
)

# Share of the population per five-year band, 2020 census (per cent; the last band is 85-99).
AGE_BANDS: tuple[tuple[int, float], ...] = (
    (0, 5.52),
    (5, 6.40),
    (10, 5.97),
    (15, 5.15),
    (20, 5.31),
    (25, 6.51),
    (30, 8.80),
    (35, 7.02),
    (40, 6.66),
    (45, 8.10),
    (50, 8.71),
    (55, 7.18),
    (60, 5.20),
    (65, 5.25),
    (70, 3.51),
    (75, 2.21),
    (80, 1.45),
    (85, 1.10),
)

# Household compositions: (name, weight). Sizes follow the 2020 census (about a quarter of
# households are one person, the mean is about 2.6).
HOUSEHOLD_TYPES: tuple[tuple[str, float], ...] = (
    ("single_elder", 0.075),
    ("single_adult", 0.16),
    ("elder_couple", 0.10),
    ("young_couple", 0.10),
    ("single_parent", 0.04),
    ("skipped_generation", 0.015),
    ("nuclear_one_child", 0.19),
    ("nuclear_two_children", 0.125),
    ("three_generations", 0.14),
    ("shared_rental", 0.06),
)


@dataclass
class Person:
    name: str
    male: bool
    birth: date
    relation: str
    floating: bool
    id_number: str = ""
    phone: str = ""
    tags: list[str] = field(default_factory=list)

    def age_on(self, day: date) -> int:
        return (
            day.year - self.birth.year - ((day.month, day.day) < (self.birth.month, self.birth.day))
        )


class PopulationSampler:
    """Draws households of people; one instance per community, fed one seeded Random."""

    def __init__(self, rng: random.Random, as_of: date) -> None:
        self.rng = rng
        self.as_of = as_of
        self._surnames = [s for s, _ in SURNAMES]
        self._surname_cum = list(accumulate(w for _, w in SURNAMES))
        self._type_names = [t for t, _ in HOUSEHOLD_TYPES]
        self._type_cum = list(accumulate(w for _, w in HOUSEHOLD_TYPES))
        self._id_serials: dict[tuple[str, date, bool], int] = defaultdict(int)

    # -- ages and names -------------------------------------------------------------------
    def age_in(self, low: int, high: int) -> int:
        """An age in [low, high] weighted by the census pyramid."""
        bands = [(start, share) for start, share in AGE_BANDS if start + 4 >= low and start <= high]
        start, _ = self.rng.choices(bands, weights=[s for _, s in bands])[0]
        top = 99 if start == 85 else start + 4
        return self.rng.randint(max(start, low), min(top, high))

    def surname(self) -> str:
        return self.rng.choices(self._surnames, cum_weights=self._surname_cum)[0]

    def given_name(self, male: bool, age: int) -> str:
        if age >= 60:
            pool = ELDER_MALE_CHARS if male else ELDER_FEMALE_CHARS
        else:
            pool = MALE_CHARS if male else FEMALE_CHARS
        length = 1 if self.rng.random() < 0.2 else 2
        return "".join(self.rng.choice(pool) for _ in range(length))

    def birth_date(self, age: int) -> date:
        latest = (
            self.as_of.replace(year=self.as_of.year - age)
            if not (self.as_of.month == 2 and self.as_of.day == 29)
            else date(self.as_of.year - age, 2, 28)
        )
        return latest - timedelta(days=self.rng.randint(0, 364))

    def person(
        self, age: int, male: bool, relation: str, floating: bool, surname: str | None = None
    ) -> Person:
        name = (surname or self.surname()) + self.given_name(male, age)
        return Person(name, male, self.birth_date(age), relation, floating)

    # -- households -------------------------------------------------------------------------
    def household(self, rented: bool) -> list[Person]:
        """The members of one household, head first."""
        kind = self.rng.choices(self._type_names, cum_weights=self._type_cum)[0]
        if kind == "shared_rental" and not rented:
            kind = "single_adult"
        floating = self.rng.random() < (0.9 if rented else 0.12)
        members = getattr(self, f"_{kind}")(floating)
        for person in members:
            self._identify(person)
        self._tag(members, kind)
        return members

    def _couple(self, low: int, high: int, floating: bool) -> list[Person]:
        age = self.age_in(low, high)
        male_head = self.rng.random() < 0.7
        surname = self.surname()
        spouse_age = max(18, min(99, age + self.rng.randint(-4, 4)))
        return [
            self.person(age, male_head, "head", floating, surname),
            self.person(spouse_age, not male_head, "spouse", floating),
        ]

    def _children(self, parent_age: int, count: int, surname: str, floating: bool) -> list[Person]:
        children = []
        for _ in range(count):
            age = parent_age - self.rng.randint(22, 34)
            age = age if age >= 0 else self.rng.randint(0, max(0, parent_age - 20))
            male = self.rng.random() < 0.52
            children.append(self.person(age, male, "child", floating, surname))
        return children

    def _single_elder(self, floating: bool) -> list[Person]:
        return [self.person(self.age_in(60, 99), self.rng.random() < 0.4, "head", False)]

    def _single_adult(self, floating: bool) -> list[Person]:
        return [self.person(self.age_in(20, 59), self.rng.random() < 0.55, "head", floating)]

    def _elder_couple(self, floating: bool) -> list[Person]:
        return self._couple(60, 95, False)

    def _young_couple(self, floating: bool) -> list[Person]:
        return self._couple(22, 59, floating)

    def _single_parent(self, floating: bool) -> list[Person]:
        parent_age = self.age_in(28, 55)
        parent = self.person(parent_age, self.rng.random() < 0.3, "head", floating)
        return [parent, *self._children(parent_age, 1, parent.name[0], floating)]

    def _skipped_generation(self, floating: bool) -> list[Person]:
        age = self.age_in(55, 80)
        grandparent = self.person(age, self.rng.random() < 0.45, "head", False)
        grandchild = self.person(
            self.rng.randint(3, 15),
            self.rng.random() < 0.52,
            "grandchild",
            False,
            grandparent.name[0],
        )
        grandchild.tags.append("left_behind_child")
        return [grandparent, grandchild]

    def _nuclear_one_child(self, floating: bool) -> list[Person]:
        couple = self._couple(26, 58, floating)
        head_age = couple[0].age_on(self.as_of)
        return couple + self._children(head_age, 1, couple[0].name[0], floating)

    def _nuclear_two_children(self, floating: bool) -> list[Person]:
        couple = self._couple(28, 52, floating)
        head_age = couple[0].age_on(self.as_of)
        return couple + self._children(head_age, 2, couple[0].name[0], floating)

    def _three_generations(self, floating: bool) -> list[Person]:
        couple = self._couple(28, 50, False)
        head_age = couple[0].age_on(self.as_of)
        surname = couple[0].name[0]
        children = self._children(head_age, self.rng.choice((1, 1, 2)), surname, False)
        elders: list[Person] = []
        for _ in range(self.rng.choice((1, 2))):
            age = min(99, head_age + self.rng.randint(24, 34))
            elders.append(
                self.person(age, not elders and self.rng.random() < 0.45, "parent", False)
            )
        return couple + children + elders

    def _shared_rental(self, floating: bool) -> list[Person]:
        size = self.rng.choice((2, 2, 3, 4))
        people = [self.person(self.age_in(19, 40), self.rng.random() < 0.6, "head", True)]
        people += [
            self.person(self.age_in(19, 40), self.rng.random() < 0.6, "tenant", True)
            for _ in range(size - 1)
        ]
        return people

    # -- identity and tags ----------------------------------------------------------------
    def _identify(self, person: Person) -> None:
        area = (
            self.rng.choice(ORIGIN_AREA_CODES)
            if person.floating
            else self.rng.choice(LOCAL_AREA_CODES)
        )
        key = (area, person.birth, person.male)
        serial = self._id_serials[key]
        self._id_serials[key] += 1
        digits = f"{area}{person.birth:%Y%m%d}{(serial * 2 + person.male) % 1000:03d}"
        person.id_number = digits + id_check_code(digits)
        if person.age_on(self.as_of) >= 12:
            prefix = self.rng.choice(("13", "15", "17", "18", "19", "13", "18"))
            person.phone = f"{prefix}{self.rng.randint(0, 999_999_999):09d}"

    def _tag(self, members: list[Person], kind: str) -> None:
        low_income = self.rng.random() < 0.03
        for person in members:
            age = person.age_on(self.as_of)
            tags = person.tags
            if age < 18:
                tags.append("minor")
            if age >= 60 and kind == "single_elder":
                tags.append("elderly_living_alone")
            if age >= 60 and self.rng.random() < (0.15 if age >= 80 else 0.04):
                tags.append("incapacitated_elderly")
            if self.rng.random() < (0.09 if age >= 60 else 0.03):
                tags.append("disabled")
            if age >= 18 and self.rng.random() < 0.004:
                tags.append("mental_disorder")
            if age >= 60 and self.rng.random() < 0.015:
                tags.append("home_medical_device")
            if person.male and age >= 30 and self.rng.random() < 0.012:
                tags.append("veteran")
            if age >= 18 and self.rng.random() < 0.0005:
                tags.append("community_correction")
            if low_income:
                tags.append("low_income")
