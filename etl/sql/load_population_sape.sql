-- load_population_sape: insert ONS residents of sub-ICB locations (view src_sape, from
-- etl/loaders/sape.py: one row per mid-year, sub-ICB code, sex and single year of age)
-- as five-year bands.
-- params:  $load_id (int)
-- returns: nothing; adds fact_population rows of base_kind 'sub_icb' (base_code the
--          published SICBL code, e.g. E38000006); age 90 means 90 and over
-- reads:   src_sape, level_key(), five_year_band() (etl/sql/macros.sql)
insert into fact_population
with banded as (
    select
        year,
        base_code,
        sex,
        five_year_band(age) as age_band,
        sum(population) as population
    from src_sape
    group by year, base_code, sex, five_year_band(age)
)
select
    cast(year as smallint) as year,
    level_key().sub_icb as base_kind,
    base_code,
    sex,
    age_band,
    cast(population as integer) as population,
    $load_id as load_id
from banded;
