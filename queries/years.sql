-- years: the years each source covers, for the period picker and "latest" defaults.
-- params:  none
-- returns: source ('deaths', 'population', 'qof', 'indicators', 'published': the store of
--          published values), year
-- reads:   derived.source_year (kept by etl/derived.py from fact_death, fact_population,
--          fact_qof and fact_indicator), store.indicator_value (kept by etl/store.py)
with published as (
    select distinct 'published' as source, year from store.indicator_value
),
final as (
    select source, year from derived.source_year
    union all
    select source, year from published
)
select source, cast(year as integer) as year
from final
order by source, year
