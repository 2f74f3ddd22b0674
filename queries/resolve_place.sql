-- resolve_place: the current areas a typed code stands for (current or previous ONS code,
-- or ODS code), most specific level first.
-- params:  $code (text, any case, surrounding spaces ignored)
-- returns: area_code, level, area_name, alias_kind ('code', 'previous_code', 'ods_code')
-- reads:   area_alias, dim_area
with matches as (
    select distinct area_code, level, alias_kind
    from area_alias
    where upper(alias) = upper(trim($code))
),
final as (
    select m.area_code, m.level, d.area_name, m.alias_kind
    from matches as m
    join dim_area as d using (area_code, level)
)
select * from final
order by
    case level
        when 'england' then 1 when 'nhs_region' then 2 when 'icb' then 3
        when 'sub_icb' then 4 when 'pcn' then 5 when 'practice' then 6
        when 'region' then 7 when 'cty_ua' then 8 when 'lad' then 9
    end
