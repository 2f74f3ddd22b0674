-- store_fingertips: the store's Fingertips rows, rebuilt from every Fingertips row loaded.
-- params:  none
-- returns: nothing; replaces store.indicator_value rows whose source is 'fingertips' with
--          one row per (indicator, current area, year, breakdown group): values, limits,
--          counts and comparisons exactly as published (the latest load wins a tie)
-- reads:   fact_indicator, ref_measure (Fingertips ids), area_alias, ref_age_band
-- Rows reach the store when the catalogue names their indicator id, their area is known
-- (Fingertips' area type gives the level; without one, a code known at one level only),
-- their period is one year ('2021') or one financial year ('2021/22'), and they are the
-- whole population, one broad age band, one sex or one category the kernel names
-- (peolc.breakdowns.FINGERTIPS_CATEGORY_TYPES), not two of these at once. The rest stay
-- in fact_indicator, unshown; 99.8% limits and comparisons a file lacks are computed by
-- etl/store.py and marked as computed. A single-tier authority (a unitary authority,
-- metropolitan district or London borough) is one area under one code at both local
-- government levels: Fingertips publishes it once, as a county/UA or as a district/UA,
-- and its rows reach both levels (a row typed for its own level wins).
delete from store.indicator_value where source = 'fingertips';

insert into store.indicator_value
with indicators as (
    select measure, unnest(fingertips_ids) as indicator_id from ref_measure
),
broad_bands as (
    select age_band from ref_age_band where banding = 'broad'
),
rows as (
    select
        i.measure,
        f.*,
        fingertips_level(f.area_type) as typed_level,
        fingertips_age(f.age) in (select age_band from broad_bands) as is_band,
        f.sex in ('Male', 'Female') as is_sex
    from fact_indicator as f
    join indicators as i using (indicator_id)
    where regexp_full_match(f.period, '\d{4}(/\d{2})?')
),
split as (
    select
        *,
        case
            when category_type <> '' and not is_band and not is_sex
                then fingertips_breakdown(category_type)
            when category_type = '' and is_band and not is_sex then breakdown_key().age_band
            when category_type = '' and is_sex and not is_band then breakdown_key().sex
            when category_type = '' and not is_band and not is_sex then breakdown_key().all
        end as breakdown
    from rows
),
grouped as (
    select
        *,
        case
            when breakdown = breakdown_key().all then breakdown_key().all
            when breakdown = breakdown_key().age_band then fingertips_age(age)
            when breakdown = breakdown_key().sex then left(sex, 1)
            else cast(fingertips_decile(category) as varchar)
        end as group_value
    from split
    where breakdown is not null
),
placed as (
    select
        g.*,
        a.area_code as current_code,
        a.level as current_level,
        count(*) over (partition by g.indicator_id, g.area_code, g.period, g.sex, g.age,
            g.category_type, g.category, g.load_id) as candidates
    from grouped as g
    join area_alias as a
        on a.alias = g.area_code and (g.typed_level is null or a.level = g.typed_level)
    where g.group_value is not null
),
single_tier as (
    select * from placed where candidates = 1
    union all by name
    select p.* replace (t.level as current_level), true as twin
    from placed as p
    join area_alias as t
        on t.alias = p.area_code
        and t.area_code = p.current_code
        and t.level = case p.current_level
            when level_key().lad then level_key().cty_ua
            when level_key().cty_ua then level_key().lad
        end
    where p.candidates = 1 and p.typed_level is not null
),
final as (
    select
        measure,
        current_level as level,
        current_code as area_code,
        cast(left(period, 4) as smallint) as year,
        period,
        case when is_sex then 'Persons' else sex end as sex,
        case when is_band then 'All ages' else age end as age,
        breakdown,
        group_value,
        count as numerator,
        denominator,
        value,
        lower_95,
        upper_95,
        lower_998,
        upper_998,
        nullif(compared_to_england, '') as compared_england,
        cast(null as varchar) as computed,
        nullif(value_note, '') as value_note,
        'fingertips' as source,
        l.file_name as source_file,
        false as restricted,
        false as suppressed,
        p.load_id
    -- (a code at two levels with no area type saying which was skipped: candidates > 1)
    from single_tier as p
    join load_log as l using (load_id)
    qualify row_number() over (
        partition by measure, current_level, current_code, left(period, 4), breakdown,
            group_value
        order by p.load_id desc, p.twin nulls first, p.age
    ) = 1
)
select * from final
