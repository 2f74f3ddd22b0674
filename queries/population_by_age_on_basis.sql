-- population_by_age_on_basis: one area's population on a named basis, by year, sex and
-- five-year band, so a place can be compared with England on the same kind of population
-- (registered patients with registered patients) when England's best base is another.
-- params:  $area_code (text), $level (text), $basis (text: a base kind, 'lsoa', 'lad',
--          'sub_icb' or 'practice')
-- returns: year, basis (= $basis), sex (M/F), age_band (ESP2013 five-year band, 90+ open),
--          population (people, summed over the area's base units of that kind, each
--          weighed by its share: below 1 for residents apportioned from a split sub-ICB
--          location); no rows when the area has none of that kind loaded
-- reads:   fact_population, area_base
with units as (
    select base_code, share
    from area_base
    where level = $level and area_code = $area_code and base_kind = $basis
),
final as (
    select
        cast(p.year as integer) as year,
        p.base_kind as basis,
        p.sex,
        p.age_band,
        cast(round(sum(p.population * u.share)) as bigint) as population
    from fact_population as p
    join units as u on u.base_code = p.base_code
    where p.base_kind = $basis
    group by p.year, p.base_kind, p.sex, p.age_band
)
select * from final
order by year, sex, age_band
