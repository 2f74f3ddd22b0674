-- load_population_mye: insert staged ONS mid-year estimates (view src_rows, long layout,
-- one population_YYYY column per year) as five-year bands.
-- params:  $load_id (int), $lad_geographies (text[]), $small_area_geographies (text[])
--          (lowercase 'geography' values of the LAD level, and of small areas: ['lsoa'])
-- returns: nothing; adds fact_population rows for England LADs (code E0…, base_kind 'lad')
--          and small areas (base_kind 'lsoa'); single years of age are summed into the
--          ESP2013 bands (age 90 means 90 and over); ages already banded are kept as given
-- reads:   src_rows, level_key() (etl/sql/macros.sql)
insert into fact_population
with kept as (
    select
        case
            when list_contains($small_area_geographies, lower(trim(geography))) then level_key().lsoa
            else level_key().lad
        end as base_kind,
        upper(code) as base_code,
        case when sex in ('M', '1') then 'M' else 'F' end as sex,
        age,
        columns('^population_[0-9]{4}$')
    from src_rows
    where list_contains($small_area_geographies, lower(trim(geography)))
        or (list_contains($lad_geographies, lower(trim(geography))) and upper(code) like 'E0%')
),
bands as (
    -- each distinct age once (a file has a few dozen): single years into five-year bands
    select
        age,
        case
            when not regexp_full_match(age, '[0-9]+') then age
            when cast(age as integer) >= 90 then '90+'
            else (cast(age as integer) // 5 * 5)::varchar || '-'
                || (cast(age as integer) // 5 * 5 + 4)::varchar
        end as age_band
    from (select distinct age from kept)
),
banded as (
    -- summed before unpivoting: one row per area, sex and band instead of per year too
    select
        k.base_kind,
        k.base_code,
        k.sex,
        b.age_band,
        sum(columns('^(population_[0-9]{4})$')) as '\1'
    from kept as k
    join bands as b on b.age = k.age
    group by k.base_kind, k.base_code, k.sex, b.age_band
),
long as (
    unpivot banded
    on columns('^population_[0-9]{4}$')
    into name year_column value population
)
select
    cast(right(year_column, 4) as smallint) as year,
    base_kind,
    base_code,
    sex,
    age_band,
    cast(population as integer) as population,
    $load_id as load_id
from long;
