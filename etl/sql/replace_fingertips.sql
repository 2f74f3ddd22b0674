-- replace_fingertips: drop rows of earlier loads that the new load publishes again (same
-- indicator, area, period, sex, age and category), so a refreshed extract replaces them.
-- params:  $load_id (int)
-- returns: nothing
-- reads:   fact_indicator
delete from fact_indicator as old
where old.load_id <> $load_id
    and old.indicator_id in (
        select distinct indicator_id from fact_indicator where load_id = $load_id
    )
    and exists (
        select 1
        from fact_indicator as new
        where new.load_id = $load_id
            and new.indicator_id = old.indicator_id
            and new.area_code = old.area_code
            and new.period = old.period
            and new.sex = old.sex
            and new.age = old.age
            and new.category_type = old.category_type
            and new.category = old.category
    );
