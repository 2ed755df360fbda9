"""The national poverty registry export (households and their people) and the household-registry children."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Connection

from jiaoyu_fupin.core import idnumber
from jiaoyu_fupin.importers import values
from jiaoyu_fupin.importers.base import (
    BatchMaker,
    Counts,
    Options,
    Prepared,
    apply_diff,
    diff_counts,
    iso,
    keep_frame,
    spoken_for,
)
from jiaoyu_fupin.importers.rowchecks import (
    bad_values,
    conflicting_duplicates,
    damaged_codes,
    data_rows,
    id_numbers,
    required_columns,
    required_values,
)
from jiaoyu_fupin.importers.table import Table
from jiaoyu_fupin.store import bulk as store
from jiaoyu_fupin.store.models import Household, PopulationChild, RegistryPerson

HOUSEHOLD_FIELDS = ["county", "township", "village", "poverty_attribute", "poverty_status"]
PERSON_FIELDS = ["name", "household_code", "person_code", "relation", "school_status", "not_in_school_reason",
                 "township", "village"]
CHILD_FIELDS = ["name", "sex", "birth_date", "township", "village"]


def validate_registry(conn: Connection, table: Table, options: Options) -> Prepared:
    checked = data_rows(table)
    prepared = Prepared(table, checked)
    if not required_columns(table, checked):
        return prepared
    required_values(table, checked, ["name", "household_code"])
    damaged_codes(table, checked, "household_code")
    ids = id_numbers(table, checked)
    col = table.text
    compare = pd.DataFrame({"name": col("name"), "household": col("household_code")})
    drop = conflicting_duplicates(table, checked, ids, compare, "id_number", "人（身份证号）")
    people = keep_frame(table, checked, {"id_number": ids, **{f: col(f) for f in PERSON_FIELDS}}, drop)
    households = keep_frame(table, checked, {"household_code": col("household_code"),
                                             **{f: col(f) for f in HOUSEHOLD_FIELDS}}, drop)
    prepared.frames["people"] = people
    # A household's attributes are read from its first member's row (the export repeats them on every row).
    prepared.frames["households"] = households.drop_duplicates("household_code", keep="first")
    return prepared


def write_registry(conn: Connection, prepared: Prepared, batch: BatchMaker) -> Counts:
    households = prepared.frames["households"]
    h_fields, p_fields = spoken_for(prepared.table, HOUSEHOLD_FIELDS), spoken_for(prepared.table, PERSON_FIELDS)
    h = store.diff(households, store.fetch(conn, Household.__table__, ["id", "household_code", *HOUSEHOLD_FIELDS]),
                   ["household_code"], h_fields)
    people = prepared.frames["people"]
    p = store.diff(people, store.fetch(conn, RegistryPerson.__table__, ["id", "id_number", *PERSON_FIELDS]),
                   ["id_number"], p_fields)
    counts = diff_counts(p)
    h_new, h_changed = h["id"].isna().to_numpy(), h["_changed"].to_numpy()
    if counts.new or counts.changed or h_new.any() or h_changed.any():
        batch_id = batch()
        apply_diff(conn, Household.__table__, h, ["household_code", *HOUSEHOLD_FIELDS], batch_id,
                   changing=["household_code", *h_fields])
        apply_diff(conn, RegistryPerson.__table__, p, ["id_number", *PERSON_FIELDS], batch_id,
                   changing=["id_number", *p_fields])
    return counts


def validate_population(conn: Connection, table: Table, options: Options) -> Prepared:
    checked = data_rows(table)
    prepared = Prepared(table, checked)
    if not required_columns(table, checked):
        return prepared
    required_values(table, checked, ["name"])
    ids = id_numbers(table, checked)
    col = table.text
    sex, bad = values.map_values(col("sex"), values.SEX)
    bad_values(table, checked, "sex", bad, "性别“{value}”无法识别", "请填写“男”或“女”")
    sex = sex.where(sex.notna(), idnumber.sexes(ids))
    birth, bad = values.parse_dates(col("birth_date"))
    bad_values(table, checked, "birth_date", bad, "出生日期“{value}”无法识别", "请写成 2012-05-01 这样的日期")
    birth, id_birth = iso(birth), idnumber.birth_dates_iso(ids)
    clash = birth.notna() & id_birth.notna() & (birth != id_birth)
    bad_values(table, checked, "birth_date", clash, "出生日期“{value}”与身份证号中的出生日期不一致",
               "请以户口簿为准改正身份证号或出生日期", code="birth_date_conflict")
    compare = pd.DataFrame({"name": col("name")})
    drop = conflicting_duplicates(table, checked, ids, compare, "id_number", "儿童（身份证号）")
    prepared.frames["children"] = keep_frame(table, checked, {
        "id_number": ids, "name": col("name"), "sex": sex, "birth_date": id_birth,
        "township": col("township"), "village": col("village"),
    }, drop)
    return prepared


def write_population(conn: Connection, prepared: Prepared, batch: BatchMaker) -> Counts:
    # Sex and birth date come from the ID number whenever their columns are missing.
    fields = spoken_for(prepared.table, CHILD_FIELDS, {"sex": ("id_number",), "birth_date": ("id_number",)})
    c = store.diff(prepared.frames["children"],
                   store.fetch(conn, PopulationChild.__table__, ["id", "id_number", *CHILD_FIELDS]),
                   ["id_number"], fields)
    counts = diff_counts(c)
    if counts.new or counts.changed:
        apply_diff(conn, PopulationChild.__table__, c, ["id_number", *CHILD_FIELDS], batch(),
                   changing=["id_number", *fields])
    return counts
