-- dataset_area: the geography vintage of one current area, for the standardised data set.
-- params:  $area_code (text), $level (text)
-- returns: vintage (the year of the boundaries and codes the area is on; none if unknown)
-- reads:   dim_area
select cast(vintage as integer) as vintage
from dim_area
where area_code = $area_code and level = $level
