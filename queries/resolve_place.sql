-- resolve_place: the current areas a typed code stands for (current or previous ONS code,
-- or ODS code), most specific level first.
-- params:  $code (text, any case, surrounding spaces ignored)
-- returns: area_code, level, area_name, alias_kind ('code', 'previous_code', 'ods_code')
-- reads:   area_alias, dim_area, ref_level (the order of peolc.levels.LEVELS)
with matches as (
    select distinct area_code, level, alias_kind
    from area_alias
    where upper(alias) = upper(trim($code))
),
final as (
    select m.area_code, m.level, d.area_name, m.alias_kind, r.ordinal
    from matches as m
    join dim_area as d using (area_code, level)
    join ref_level as r using (level)
)
select area_code, level, area_name, alias_kind from final
order by ordinal
