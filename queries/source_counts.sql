-- source_counts: how many rows each source holds, so pages can say what is missing.
-- params:  none
-- returns: one row: deaths, population, qof, imd, boundaries, indicators, measures,
--          published (rows of the store of published values)
-- reads:   fact_death, fact_population, fact_qof, lsoa_imd, geo_boundary, fact_indicator,
--          fact_measure, store.indicator_value
select
    (select count(*) from fact_death) as deaths,
    (select count(*) from fact_population) as population,
    (select count(*) from fact_qof) as qof,
    (select count(*) from lsoa_imd) as imd,
    (select count(*) from geo_boundary) as boundaries,
    (select count(*) from fact_indicator) as indicators,
    (select count(*) from fact_measure) as measures,
    (select count(*) from store.indicator_value) as published
