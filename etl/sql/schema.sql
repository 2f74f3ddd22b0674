-- schema: every table of the peolc-needs warehouse (DuckDB), created if missing.
-- params:  none
-- returns: nothing; idempotent DDL run by etl.warehouse on every write transaction.
-- Units and keys are documented in data/README.md; keep the two in step.
-- The slots in double braces are filled from the kernel (peolc/) by etl/reference.py: the
-- categories' ENUM values (peolc/vocabulary.py) and the count columns of the derived death
-- sums (peolc.measures.MEASURE_COUNTS: deaths and the n_* flags of death_flags, in order).

-- build facts: schema_version, build_id, built_at, tool_version, data_origin, demo_seed
create table if not exists warehouse_meta (
    key varchar primary key,
    value varchar not null
);

create sequence if not exists load_id_seq start 1;

-- one row per file loaded (or skipped because the same bytes were loaded before)
create table if not exists load_log (
    load_id integer primary key,
    file_name varchar not null,
    sha256 varchar not null,
    kind varchar not null,
    layout varchar not null,
    rows_read bigint not null,
    rows_loaded bigint not null,
    rows_rejected bigint not null,
    loaded_at timestamp not null,
    tool_version varchar not null,
    synthetic boolean not null,
    notes varchar
);

-- row-level problems kept by a lenient load (--lenient); a strict load keeps none
create table if not exists load_reject (
    load_id integer not null,
    file_name varchar not null,
    line bigint,
    column_name varchar,
    value varchar,
    reason varchar not null
);

-- ICD-10 ranges that define cause groups and palliative need (Etkind et al. 2017)
create table if not exists ref_cause_group (
    code_first varchar not null,
    code_last varchar not null,
    cause_group varchar not null,
    condition varchar not null
);

-- the domain's reference tables, written from peolc/ (peolc/schema.py) into every new
-- warehouse so SQL joins them rather than repeating level names and places of death
create table if not exists ref_level (
    ordinal smallint not null,
    level varchar primary key,
    label varchar not null,
    plural varchar not null,
    family varchar not null,
    parent_level varchar,
    peer_parent_level varchar,
    counts_by varchar not null  -- everyone, residence or registered_practice
);

create table if not exists ref_setting (
    ordinal smallint not null,
    place_of_death varchar primary key,
    label varchar not null
);

create table if not exists ref_breakdown (
    ordinal smallint not null,
    breakdown varchar primary key,
    label varchar not null,
    is_ordered boolean not null,
    is_equity boolean not null
);

create table if not exists ref_breakdown_group (
    breakdown varchar not null,
    ordinal smallint not null,
    group_value varchar not null,
    label varchar not null
);

create table if not exists ref_age_band (
    banding varchar not null,  -- five_year (ESP2013, 90+ open) or broad
    ordinal smallint not null,
    age_band varchar not null,
    age_from smallint not null,
    age_to smallint not null
);

create table if not exists ref_measure (  -- the indicator catalogue (peolc/measures.py)
    ordinal smallint not null,
    measure varchar primary key,
    label varchar not null,
    numerator varchar not null,
    denominator varchar not null,
    polarity varchar not null,
    definition varchar not null,
    statistic varchar not null,            -- proportion, crude rate, count, ratio, median
    unit varchar not null,
    multiplier double not null,
    ci_method varchar not null,
    ambition tinyint not null,             -- 1-6, Ambitions for PEoLC 2021-26
    record_level boolean not null,         -- derived from record-level deaths
    fingertips_ids integer[] not null,
    icb_extract_measures varchar[] not null
);

------------------------------------------------------------------------------------
-- Geography as published: names, links between levels and LSOAs, by vintage year.
------------------------------------------------------------------------------------

-- a named area as one source published it (code, level, name, ODS code, vintage)
create table if not exists geo_name (
    area_code varchar not null,
    level varchar not null,
    area_name varchar not null,
    ods_code varchar,
    vintage smallint not null,
    load_id integer not null
);

-- child -> parent links as published (lsoa -> sub_icb, lad -> cty_ua, practice -> pcn, ...)
create table if not exists geo_link (
    child_code varchar not null,
    child_level varchar not null,
    parent_code varchar not null,
    parent_level varchar not null,
    vintage smallint not null,
    load_id integer not null
);

-- ONS's best-fit lookup of LSOAs 2011 -> 2021 (lsoa11_lsoa21_lad22): each 2011 LSOA to the
-- 2021 LSOA that best fits it; a 2021 LSOA made of merged 2011 LSOAs is named by each,
-- one part of a split 2011 LSOA by none. derive_geography reads it to give 2021 LSOAs the
-- IMD 2019 decile of the 2011 LSOAs they came from (lsoa_imd).
create table if not exists geo_lsoa_fit (
    lsoa11_code varchar not null,
    lsoa21_code varchar not null,
    lad_code varchar,                      -- LAD of the 2021 LSOA, of the lookup's vintage
    vintage smallint not null,             -- the LAD codes' year (2022)
    load_id integer not null
);

-- every published practice -> PCN -> sub-ICB -> ICB -> NHS region mapping, one row per
-- practice and mapping (the QOF financial-year mapping, NHS England's monthly "Patients
-- Registered at a GP Practice" map), with the date the mapping describes: the history of
-- each practice's areas. Codes as published (ONS codes of that vintage, ODS codes).
-- derive_geography builds today's areas from geo_link; it reads this table only to place
-- practices that no mapping in geo_link names (they still count: docs/data-formats.md).
create table if not exists geo_practice_map (
    practice_code varchar not null,
    practice_name varchar,
    pcn_code varchar,                      -- ODS; null when unallocated to a PCN
    pcn_name varchar,
    sub_icb_code varchar not null,         -- ONS code of the mapping's vintage
    sub_icb_ods varchar,
    sub_icb_name varchar,
    icb_code varchar not null,
    icb_ods varchar,
    icb_name varchar,
    region_code varchar not null,          -- NHS (commissioning) region
    region_ods varchar,
    region_name varchar,
    vintage smallint not null,             -- year of the geography (2022 = QOF 2022-23)
    valid_from date not null,              -- the date the mapping describes (extract date,
                                           -- or the start of the QOF financial year)
    source_layout varchar not null,        -- qof-mapping, nhs-gp-practice-map
    in_geo_link boolean not null,          -- its links also went to geo_link (today's areas)
    load_id integer not null
);

-- Index of Multiple Deprivation 2019 by LSOA 2011 (decile 1 = most deprived)
create table if not exists imd_lsoa (
    lsoa11_code varchar primary key,
    lsoa11_name varchar not null,
    lad19_code varchar,
    imd_rank integer not null,
    imd_decile tinyint not null,
    load_id integer not null
);

-- area boundaries, WGS84 (EPSG:4326), simplified for display, as GeoJSON geometry text
create table if not exists geo_boundary (
    area_code varchar not null,
    level varchar not null,
    area_name varchar not null,
    vintage smallint not null,
    geometry_json varchar not null,
    synthetic boolean not null,
    load_id integer not null
);

------------------------------------------------------------------------------------
-- Derived geography: rebuilt by etl/sql/derive_geography.sql after geography loads.
------------------------------------------------------------------------------------

-- every current area people can pick, one row per (level, area_code)
create table if not exists dim_area (
    area_code varchar not null,
    level varchar not null,
    area_name varchar not null,
    ods_code varchar,
    parent_code varchar,
    vintage smallint not null,
    -- false: an NHS region, ICB or sub-ICB replaced since (merged, split or re-coded with a
    -- new ODS code): kept as it was in its last vintage, not offered or compared with
    -- today's areas; area_successor names what it became
    is_current boolean not null,
    primary key (level, area_code)
);

-- what each former area became: today's areas of its level that hold its practices, and
-- the share of its registered patients (or, without them, of its practices) each took
create table if not exists area_successor (
    area_code varchar not null,            -- the former area (dim_area.is_current false)
    level varchar not null,
    successor_code varchar not null,       -- today's area of the same level
    share double not null,                 -- 0-1, summing to 1 over its successors
    practices integer not null,            -- of its practices (as it was), how many moved there
    basis varchar not null                 -- what the share counts (registered patients, year)
);

-- any code a person might type (current ONS, ODS, previous ONS) -> the current area
create table if not exists area_alias (
    alias varchar not null,
    area_code varchar not null,
    level varchar not null,
    alias_kind varchar not null
);

-- every area's ancestors on both hierarchies, itself included (practice -> ... -> england)
create table if not exists area_ancestor (
    area_code varchar not null,
    level varchar not null,
    ancestor_code varchar not null,
    ancestor_level varchar not null
);

-- base units of each area: LSOAs (residents), LADs (residents), sub-ICB locations
-- (residents), practices (patients); share is 1 but for the residents of a sub-ICB
-- location split since its estimate, apportioned to today's areas (area_successor)
create table if not exists area_base (
    area_code varchar not null,
    level varchar not null,
    base_kind varchar not null,
    base_code varchar not null,
    share double not null
);

-- practices with figures (QOF, registered patients) that no mapping in geo_link names: they
-- count in England and in the lowest of today's areas the newest practice mapping that
-- names them gives (area_base); placed_by says which mapping (null: none, England only)
create table if not exists practice_placement (
    practice_code varchar primary key,
    level varchar not null,                -- the lowest of today's levels it counts in
    area_code varchar not null,
    placed_by varchar,                     -- e.g. nhs-gp-practice-map 2026-07-01
    mapped_to varchar                      -- the codes that mapping gives, as published
);

-- IMD decile for every LSOA code in use (2011 codes direct, 2021 codes best-fit)
create table if not exists lsoa_imd (
    lsoa_code varchar primary key,
    imd_decile tinyint not null,
    imd_quintile tinyint not null,
    method varchar not null
);

------------------------------------------------------------------------------------
-- Facts.
------------------------------------------------------------------------------------

-- record-level deaths (restricted data; layout in docs/data-formats.md)
create table if not exists fact_death (
    record_id varchar not null,
    date_of_death date not null,
    date_of_registration date not null,
    year smallint not null,                -- calendar year of registration
    age smallint not null,                 -- completed years
    -- categories as ENUMs (the values of peolc/vocabulary.py): one byte each, cheap to
    -- write, filter and group on; read back as text
    sex {{sex_enum}} not null,
    ethnic_group {{ethnic_group_enum}} not null,
    lsoa_code varchar,                     -- usual residence, LSOA 2021 (or 2011)
    practice_code varchar,                 -- registered GP practice (ODS)
    usual_residence {{usual_residence_enum}} not null,
    place_of_death {{place_of_death_enum}} not null,
    underlying_cause varchar not null,     -- ICD-10 without the dot, e.g. C349
    contributory_causes varchar,           -- ICD-10 codes separated by ';'
    cause_group {{cause_group_enum}} not null,
    palliative_need boolean not null,
    on_palliative_register boolean not null, -- on the GP palliative care register before death
    palliative_register_date date,         -- date added to the register (if known)
    days_on_register integer,              -- date_of_death - palliative_register_date
    advance_care_plan boolean not null,
    epaccs_record boolean not null,
    emergency_admissions_90d smallint not null,
    load_id integer not null
);

-- QOF registers and list sizes by practice and financial year (year = start, 2022 = 2022-23)
create table if not exists fact_qof (
    year smallint not null,
    practice_code varchar not null,
    group_code varchar not null,           -- PC = palliative care register
    register integer not null,
    list_type varchar not null,            -- TOTAL, 18OV, ... (the denominator's age band)
    list_size integer not null,
    load_id integer not null
);

-- population by base unit (lsoa / lad: residents; practice: registered patients)
create table if not exists fact_population (
    year smallint not null,                -- mid-year (residents) or extract year (patients)
    base_kind varchar not null,
    base_code varchar not null,
    sex varchar not null,                  -- M / F
    age_band varchar not null,             -- ESP2013 five-year band, 90+ open
    population integer not null,
    load_id integer not null
);

-- Fingertips indicator metadata, as far as the API CSV carries it
create table if not exists fingertips_indicator (
    indicator_id integer primary key,
    indicator_name varchar not null,
    load_id integer not null
);

-- Fingertips indicator values (API CSV layout, one row per published row)
create table if not exists fact_indicator (
    indicator_id integer not null,
    area_code varchar not null,            -- as published, with Fingertips' 'n' prefix removed
    area_name varchar,
    area_type varchar,
    parent_code varchar,
    period varchar not null,
    period_sortable integer,
    sex varchar not null,
    age varchar not null,
    category_type varchar not null,        -- '' for the whole population
    category varchar not null,
    value double,
    lower_95 double,
    upper_95 double,
    lower_998 double,
    upper_998 double,
    count double,
    denominator double,
    value_note varchar,
    recent_trend varchar,
    compared_to_england varchar,
    compared_to_parent varchar,
    parent_type_label varchar,             -- the '…' of 'Compared to … value or percentiles'
    load_id integer not null
);

-- ICB dashboard extract measures (long layout; docs/data-formats.md)
create table if not exists fact_measure (
    period varchar not null,
    area_code varchar not null,
    area_type varchar not null,
    measure varchar not null,
    breakdown varchar not null,            -- 'all' for the whole population
    breakdown_value varchar not null,
    numerator double,
    denominator double,
    load_id integer not null
);

------------------------------------------------------------------------------------
-- Derived facts (schema derived): sums the dashboard reads instead of scanning every
-- death or population row. Rebuilt by etl/derived.py at the end of every write
-- transaction that loaded their inputs, before the new warehouse is swapped in; never
-- loaded directly. Counts (the death_counts slot) are deaths and the n_* flags of
-- death_flags (etl/sql/macros.sql), summed, in the order derive_deaths.sql inserts them.
------------------------------------------------------------------------------------

create schema if not exists derived;

-- each LSOA in use with its "signature": one number per distinct set of residence areas
-- (all levels but England, PCNs and practices) and IMD decile, so sums per signature add
-- up to any residence area's (about 3,000 signatures for 34,000 LSOAs)
create table if not exists derived.lsoa_signature (
    lsoa_code varchar not null,
    signature integer not null,
    imd_decile tinyint,
    imd_quintile tinyint
);

-- the residence areas of each signature
create table if not exists derived.signature_area (
    signature integer not null,
    level varchar not null,
    area_code varchar not null
);

-- deaths of each area and year (area_deaths' attribution: every death for England, by
-- registered practice for PCNs and practices, by LSOA of residence otherwise)
create table if not exists derived.death_area (
    level varchar not null,
    area_code varchar not null,
    year smallint not null,
{{death_counts}}
);

-- as death_area by the IMD decile and quintile of the LSOA of residence (null: none known),
-- for England and the areas counted by residence
create table if not exists derived.death_area_imd (
    level varchar not null,
    area_code varchar not null,
    year smallint not null,
    imd_decile tinyint,
    imd_quintile tinyint,
{{death_counts}}
);

-- England's deaths each year split by one dimension (age_band_5y: ESP2013 five-year band
-- of age at death, 90+ open; sex; ethnic_group; cause_group; place_of_death)
create table if not exists derived.death_england (
    year smallint not null,
    dimension varchar not null,
    group_value varchar not null,
{{death_counts}}
);

-- each area's population from its best base (area_population()): by year, sex and band
create table if not exists derived.population_area (
    level varchar not null,
    area_code varchar not null,
    year smallint not null,
    basis varchar not null,               -- lsoa / lad / sub_icb (residents), practice (patients)
    sex varchar not null,
    age_band varchar not null,
    population bigint not null
);

-- the shape maps draw for each area (etl/shapes.py): its published boundary, or, where
-- areas changed since (the April 2026 mergers), one rebuilt from its parts (estimated)
create table if not exists derived.area_shape (
    level varchar not null,
    area_code varchar not null,
    area_name varchar not null,
    vintage smallint not null,            -- of the newest boundary used
    synthetic boolean not null,           -- generated shapes (old demos)
    estimated boolean not null,           -- not its own published boundary
    note varchar,                         -- how an estimated shape was drawn
    geometry_json varchar not null        -- GeoJSON geometry, WGS84, simplified
);

-- every kind of population an area has (its base units with rows), best first: the first
-- is population_area's; pages offer the others (registered patients beside residents)
create table if not exists derived.population_area_basis (
    level varchar not null,
    area_code varchar not null,
    basis varchar not null,               -- a base kind (peolc.levels.POPULATION_BASES)
    priority tinyint not null,            -- 1 = best (population_base_priority)
    first_year smallint not null,
    last_year smallint not null,
    apportioned boolean not null          -- part estimated (area_base.share below 1)
);

-- residents of each area whose best base is LSOAs, by year and IMD decile (null: none)
create table if not exists derived.population_area_imd (
    level varchar not null,
    area_code varchar not null,
    year smallint not null,
    imd_decile tinyint,
    population bigint not null
);

-- the years each source covers (deaths, population, qof, indicators)
create table if not exists derived.source_year (
    source varchar not null,
    year smallint not null
);

------------------------------------------------------------------------------------
-- The store of published values (schema store): every figure an aggregate source gives,
-- one row per indicator x area x period x breakdown group x source, with its limits and
-- whether it came from restricted data. Rebuilt by etl/store.py inside the write
-- transaction of any load that feeds it (Fingertips, ICB extracts, or the geography
-- they are matched to); the pages read it through queries/store.py.
------------------------------------------------------------------------------------

create schema if not exists store;

create table if not exists store.indicator_value (
    measure varchar not null,              -- the indicator (ref_measure)
    level varchar not null,
    area_code varchar not null,            -- the current area (dim_area)
    year smallint not null,                -- calendar year, or a financial year's start
    period varchar not null,               -- as published: 2021, 2023-24
    sex varchar not null,                  -- as published: Persons, Male, Female
    age varchar not null,                  -- the indicator's population: All ages, 65+ yrs
    breakdown varchar not null,            -- ref_breakdown; 'all' for the whole population
    group_value varchar not null,          -- ref_breakdown_group; 'all' when not split
    numerator double,                      -- null where suppressed or not published
    denominator double,
    value double,
    lower_95 double,
    upper_95 double,
    lower_998 double,
    upper_998 double,
    compared_england varchar,              -- Fingertips' words: Higher, Similar, Better, ...
    computed varchar,                      -- the fields computed here, not published
    value_note varchar,
    source varchar not null,               -- fingertips, icb-extract (the load kind)
    source_file varchar not null,
    restricted boolean not null,           -- counts from restricted data (protected)
    suppressed boolean not null,           -- hidden by the small-number rule
    load_id integer not null
);
