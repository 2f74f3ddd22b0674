-- load_practice_map: keep a practice mapping of "Patients Registered at a GP Practice"
-- (view src_rows, NHS England gp-reg-pat-prac-map layout) as one vintage of each
-- practice's areas.
-- params:  $load_id (int), $layout (text: the layout name, stored as source_layout),
--          $unallocated_pcn (text: the PCN code of practices in no PCN, stored as null)
-- returns: nothing; adds geo_practice_map rows (vintage = year of the extract date,
--          valid_from = the extract date, in_geo_link false); rows earlier loads of the
--          same layout held for the same extract date are replaced. geo_name and geo_link
--          (today's areas) are not changed.
-- reads:   src_rows, load_log
create or replace temp table practice_map_rows as
with staged as (
    select
        *,
        cast(coalesce(
            try_strptime(extract_date, '%d%b%Y'),
            try_strptime(extract_date, '%Y-%m-%d'),
            try_strptime(extract_date, '%d/%m/%Y'),
            try_strptime(extract_date, '%d-%b-%Y')
        ) as date) as extracted
    from src_rows
),
final as (
    select
        upper(practice_code) as practice_code,
        practice_name,
        case when upper(pcn_code) <> $unallocated_pcn then upper(pcn_code) end as pcn_code,
        case when upper(pcn_code) <> $unallocated_pcn then pcn_name end as pcn_name,
        ons_sub_icb_code as sub_icb_code,
        upper(sub_icb_code) as sub_icb_ods,
        sub_icb_name,
        ons_icb_code as icb_code,
        upper(icb_code) as icb_ods,
        icb_name,
        ons_comm_region_code as region_code,
        upper(comm_region_code) as region_ods,
        comm_region_name as region_name,
        cast(year(extracted) as smallint) as vintage,
        extracted as valid_from,
        $layout as source_layout,
        false as in_geo_link,
        $load_id as load_id
    from staged
)
select * from final;

delete from geo_practice_map
where source_layout = $layout
    and valid_from in (select valid_from from practice_map_rows)
    and load_id in (select load_id from load_log where layout = $layout);

insert into geo_practice_map
select * from practice_map_rows;

drop table practice_map_rows;
