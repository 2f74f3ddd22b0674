-- macros: table macros that attribute facts to an area, created in every warehouse.
-- params:  none (macro arguments: a = area code, lvl = level key from peolc.levels)
-- returns: nothing; (re)defines the kernel's keys and rules for SQL (level_key,
--          breakdown_key, level_key_*, breakdown_key_*, by_practice, ordered_breakdown,
--          parent_rank, population_base_priority), the age-band macros, the views
--          death_flags and death_facts and the macros area_deaths, area_population and
--          area_qof, which the SQL in queries/ and the derived tables use so that every
--          page counts and attributes facts the same way.
-- The slots in double braces are filled from the kernel (peolc/) by etl/reference.py: levels,
-- places of death and age bands are defined there, once, and written here as constants
-- (so DuckDB still folds the branches of area_deaths for a given level).

-- the kernel's keys, for SQL whose rule is about one level or breakdown by name:
-- level_key().sub_icb is the level key of peolc.levels.LevelKey.SUB_ICB (a constant, so
-- it folds), and a key the kernel does not define is a binder error, not a silent miss
create or replace macro level_key() as {{level_keys}};

create or replace macro breakdown_key() as {{breakdown_keys}};

-- the same keys as scalar macros, level_key_sub_icb() and breakdown_key_sex(), for the
-- queries run on every page view: each is a constant too, and a key the kernel does not
-- define is a catalog error, but naming one costs about a tenth of naming a struct's field
-- (some 0.1 ms of planning each time, a few per cent of a query over the derived sums)
{{level_key_macros}}

{{breakdown_key_macros}}

-- whether a level counts its deaths and people by registered GP practice (peolc.levels:
-- Level.by_practice, the levels of PRACTICE_LEVELS); constant for a constant level, so it
-- folds
create or replace macro by_practice(lvl) as lvl in {{practice_levels}};

-- whether a breakdown's groups are ordered, the deprivation splits (peolc.breakdowns:
-- Breakdown.ordered, ORDERED_BREAKDOWNS); constant for a constant breakdown
create or replace macro ordered_breakdown(b) as b in {{ordered_breakdowns}};

-- which of a level's parents (peolc.levels: Level.parents, first found wins) a published
-- link to an area of parent_level is: 1 for the first, 2 for the next; null if none
create or replace macro parent_rank(child_level, parent_level) as
    case
{{parent_rank_cases}}
    end;

-- the base units an area's population is taken from, best first (peolc.levels:
-- POPULATION_BASES): LSOA residents, else LAD residents, else sub-ICB residents, else
-- registered patients of its practices (area_base.base_kind)
create or replace macro population_base_priority(kind) as
    case kind
{{population_base_cases}}
    end;

-- age bands (peolc.vocabulary): the ESP2013 five-year band of an age (the last open), and
-- the broad band of an age; a five-year band's broad band is that of its first age
create or replace macro five_year_band(age) as
    case
        when age >= {{open_five_year_from}} then {{open_five_year_band}}
        else cast(age // 5 * 5 as varchar) || '-' || cast(age // 5 * 5 + 4 as varchar)
    end;

create or replace macro broad_band(age) as
    case
{{broad_band_cases}}
    end;

create or replace macro broad_band_of(five_year) as
    broad_band(cast(rtrim(split_part(five_year, '-', 1), '+') as integer));

-- every death with one 0/1 flag per measure numerator (n_*); queries and the derived
-- death tables (etl/sql/derive_deaths.sql) sum them with columns('^n_(.*)') so each is
-- defined once here
create or replace view death_flags as
select
    d.*,
{{setting_flags}}
    cast(d.place_of_death in {{usual_residence_settings}} as integer) as n_usual_residence,
    cast(d.on_palliative_register as integer) as n_on_register,
    cast(d.palliative_need as integer) as n_with_need,
    cast(d.palliative_need and d.on_palliative_register as integer) as n_need_identified,
    cast(d.advance_care_plan as integer) as n_advance_care_plan,
    cast(d.epaccs_record as integer) as n_epaccs,
    cast(d.emergency_admissions_90d >= 1 as integer) as n_admitted_90d,
    cast(d.emergency_admissions_90d >= 3 as integer) as n_admitted_3plus_90d
from fact_death as d;

-- every death with its IMD decile/quintile, broad age band, and the flags above
create or replace view death_facts as
select
    d.* exclude (
        n_home, n_care_home, n_hospital, n_hospice, n_elsewhere, n_usual_residence,
        n_on_register, n_with_need, n_need_identified, n_advance_care_plan, n_epaccs,
        n_admitted_90d, n_admitted_3plus_90d
    ),
    i.imd_decile,
    i.imd_quintile,
    broad_band(d.age) as age_band,
    d.n_home, d.n_care_home, d.n_hospital, d.n_hospice, d.n_elsewhere, d.n_usual_residence,
    d.n_on_register, d.n_with_need, d.n_need_identified, d.n_advance_care_plan, d.n_epaccs,
    d.n_admitted_90d, d.n_admitted_3plus_90d
from death_flags as d
left join lsoa_imd as i on i.lsoa_code = d.lsoa_code;

-- deaths of an area: every death for England; by registered practice for PCNs and
-- practices; by LSOA of residence for every other level (Fingertips' convention). One
-- branch per rule: with the level a constant, DuckDB keeps only the branch that applies.
create or replace macro area_deaths(a, lvl) as table
select d.*
from death_facts as d
where lvl = {{england_level}}
union all
select d.*
from death_facts as d
where lvl in {{practice_levels}}
    and d.practice_code in (
        select base_code from area_base
        where area_code = a and level = lvl and base_kind = {{practice_level}}
    )
union all
select d.*
from death_facts as d
where lvl not in {{practice_levels}} and lvl <> {{england_level}}
    and d.lsoa_code in (
        select base_code from area_base
        where area_code = a and level = lvl and base_kind = {{lsoa_level}}
    );

-- population of an area from the best base it has (population_base_priority): LSOA
-- residents, else LAD residents, else sub-ICB residents, else registered patients of its
-- practices; basis says which
create or replace macro area_population(a, lvl) as table
with candidates as (
    select
        p.* replace (p.population * b.share as population),
        population_base_priority(p.base_kind) as priority
    from fact_population as p
    join area_base as b on b.base_kind = p.base_kind and b.base_code = p.base_code
    where b.area_code = a and b.level = lvl
),
chosen as (
    select min(priority) as priority from candidates
)
select
    year,
    base_kind as basis,
    base_code,
    sex,
    age_band,
    population
from candidates
where priority = (select priority from chosen);

-- QOF registers of the practices in an area
create or replace macro area_qof(a, lvl) as table
select q.*
from fact_qof as q
where q.practice_code in (
    select base_code from area_base
    where area_code = a and level = lvl and base_kind = {{practice_level}}
);

-- the level of a Fingertips area type name (peolc.levels.FINGERTIPS_AREA_TYPES); null: unknown
create or replace macro fingertips_level(area_type) as
    case
{{fingertips_level_cases}}
    end;

-- the decile (1 = most deprived) of a Fingertips decile label such as
-- 'Most deprived decile (IMD2019)' (peolc.breakdowns.FINGERTIPS_DECILES); null: not one
create or replace macro fingertips_decile(category) as
    nullif(list_position({{fingertips_deciles}}, trim(regexp_replace(category, '\(.*\)$', ''))), 0);

-- the breakdown a Fingertips category type is (peolc.breakdowns.FINGERTIPS_CATEGORY_TYPES)
create or replace macro fingertips_breakdown(category_type) as
    {{fingertips_categories}}[category_type];

-- a Fingertips age label as a broad band: '<65 yrs' -> '0-64', '85+ yrs' -> '85+'
create or replace macro fingertips_age(age) as
    case
        when regexp_full_match(age, '<\d+ yrs')
            then '0-' || (cast(regexp_extract(age, '\d+') as integer) - 1)
        else regexp_replace(age, ' yrs$', '')
    end;
