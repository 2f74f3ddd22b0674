-- years: the years each source covers, for the period picker and "latest" defaults.
-- params:  none
-- returns: source ('deaths', 'population', 'qof', 'indicators'), year
-- reads:   fact_death, fact_population, fact_qof, fact_indicator
with deaths as (
    select distinct 'deaths' as source, year from fact_death
),
population as (
    select distinct 'population' as source, year from fact_population
),
qof as (
    select distinct 'qof' as source, year from fact_qof
),
indicators as (
    select distinct 'indicators' as source, cast(period_sortable // 10000 as smallint) as year
    from fact_indicator
    where period_sortable is not null
),
final as (
    select * from deaths
    union all select * from population
    union all select * from qof
    union all select * from indicators
)
select source, cast(year as integer) as year from final
order by source, year
