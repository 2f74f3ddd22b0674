-- derive_years: rebuild the years each source covers (for the year picker and the
-- "latest year" defaults), for the sources whose flag is true.
-- params:  $deaths, $population, $qof, $indicators (booleans: which sources loaded)
-- returns: nothing; replaces those sources' rows of derived.source_year
-- reads:   fact_death, fact_population, fact_qof, fact_indicator

delete from derived.source_year
where (source = 'deaths' and $deaths)
    or (source = 'population' and $population)
    or (source = 'qof' and $qof)
    or (source = 'indicators' and $indicators);

insert into derived.source_year
select distinct 'deaths', year from fact_death where $deaths
union all
select distinct 'population', year from fact_population where $population
union all
select distinct 'qof', year from fact_qof where $qof
union all
select distinct 'indicators', cast(period_sortable // 10000 as smallint)
from fact_indicator
where period_sortable is not null and $indicators;
