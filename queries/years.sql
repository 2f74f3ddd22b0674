-- years: the years each source covers, for the period picker and "latest" defaults.
-- params:  none
-- returns: source ('deaths', 'population', 'qof', 'indicators'), year
-- reads:   derived.source_year (kept by etl/derived.py from fact_death, fact_population,
--          fact_qof and fact_indicator)
select source, cast(year as integer) as year
from derived.source_year
order by source, year
