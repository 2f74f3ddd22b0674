-- replace_population: drop rows of earlier loads for the years and base kinds (lad, lsoa,
-- sub_icb, practice) the new load carries, so a re-issued estimate replaces, never adds to, them.
-- params:  $load_id (int)
-- returns: nothing
-- reads:   fact_population
delete from fact_population as old
where old.load_id <> $load_id
    and exists (
        select 1
        from fact_population as new
        where new.load_id = $load_id
            and new.year = old.year
            and new.base_kind = old.base_kind
    );
