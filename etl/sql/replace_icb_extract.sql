-- replace_icb_extract: drop rows of earlier loads whose key (period, area, measure,
-- breakdown, value) the new load carries again, so a re-issued extract replaces them.
-- params:  $load_id (int)
-- returns: nothing
-- reads:   fact_measure
delete from fact_measure as old
where old.load_id <> $load_id
    and exists (
        select 1
        from fact_measure as new
        where new.load_id = $load_id
            and new.period = old.period
            and new.area_code = old.area_code
            and new.measure = old.measure
            and new.breakdown = old.breakdown
            and new.breakdown_value = old.breakdown_value
    );
