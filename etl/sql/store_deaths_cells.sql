-- store_deaths_cells: the record-level death counts the store keeps, before protection.
-- params:  $england_code (text: the code the England rows carry)
-- returns: level, area_code, year, breakdown, group_value ('all' when not split,
--          'unknown' when not recorded), deaths and one count per measure numerator (the
--          columns of derived.death_area)
-- reads:   derived.death_area, derived.death_area_imd, derived.death_england (the sums of
--          etl/sql/derive_deaths.sql), death_facts, derived.lsoa_signature,
--          derived.signature_area (etl/sql/derive_signatures.sql), the key macros
--          (etl/sql/macros.sql)
-- Kept: every area of every level not split, each year; every split of England; every
-- split of the areas counted by residence (regions, ICBs, sub-ICBs, local authorities).
-- Splits of PCNs and practices are counted when asked (queries/deaths.py): a million
-- small cells, nearly all hidden, that would take minutes to protect at every build.
-- Residence splits are counted once per LSOA signature (the residence areas an LSOA
-- belongs to), as derive_deaths.sql does, then summed per area: the same counts as
-- area_deaths() gives area by area.
with not_split as (
    select
        level, area_code, year,
        breakdown_key_all() as breakdown,
        breakdown_key_all() as group_value,
        columns(* exclude (level, area_code, year))
    from derived.death_area
),
by_deprivation as (
    select
        level, area_code, year,
        case when grouping(imd_decile) = 0
            then breakdown_key_imd_decile() else breakdown_key_imd_quintile() end as breakdown,
        coalesce(
            cast(if(grouping(imd_decile) = 0, imd_decile, imd_quintile) as varchar), 'unknown'
        ) as group_value,
        sum(columns(* exclude (level, area_code, year, imd_decile, imd_quintile)))
    from derived.death_area_imd
    where not by_practice(level)
    group by grouping sets (
        (level, area_code, year, imd_decile), (level, area_code, year, imd_quintile)
    )
),
england_split as (
    -- broad age bands are unions of the five-year bands kept (age_band_5y)
    select
        level_key_england() as level,
        $england_code as area_code,
        year,
        case dimension when 'age_band_5y' then breakdown_key_age_band() else dimension end
            as breakdown,
        case dimension when 'age_band_5y' then broad_band_of(group_value) else group_value end
            as group_value,
        sum(columns(* exclude (year, dimension, group_value)))
    from derived.death_england
    group by all
),
signature_split as (
    select
        d.year,
        s.signature,
        case
            when grouping(d.age_band) = 0 then breakdown_key_age_band()
            when grouping(d.sex) = 0 then breakdown_key_sex()
            when grouping(d.ethnic_group) = 0 then breakdown_key_ethnic_group()
            when grouping(d.cause_group) = 0 then breakdown_key_cause_group()
            else breakdown_key_place_of_death()
        end as breakdown,
        coalesce(
            d.age_band, cast(d.sex as varchar), cast(d.ethnic_group as varchar),
            cast(d.cause_group as varchar), cast(d.place_of_death as varchar), 'unknown'
        ) as group_value,
        count(*) as deaths,
        count_if(columns('^n_(.*)') = 1) as '\1'
    from death_facts as d
    join derived.lsoa_signature as s on s.lsoa_code = d.lsoa_code
    group by grouping sets (
        (d.year, s.signature, d.age_band), (d.year, s.signature, d.sex),
        (d.year, s.signature, d.ethnic_group), (d.year, s.signature, d.cause_group),
        (d.year, s.signature, d.place_of_death)
    )
),
residence_split as (
    select
        a.level, a.area_code, c.year, c.breakdown, c.group_value,
        sum(columns(c.* exclude (year, signature, breakdown, group_value)))
    from signature_split as c
    join derived.signature_area as a on a.signature = c.signature
    where not by_practice(a.level) and a.level <> level_key_england()
    group by a.level, a.area_code, c.year, c.breakdown, c.group_value
),
final as (
    select * from not_split
    union all by name select * from by_deprivation
    union all by name select * from england_split
    union all by name select * from residence_split
)
select * from final
order by level, breakdown, area_code, year, group_value
