-- replace_deaths: drop rows of earlier loads whose record_id the new load carries again.
-- params:  $load_id (int)
-- returns: nothing; a re-issued extract replaces, never duplicates, a person's record
delete from fact_death
where load_id <> $load_id
    and record_id in (select record_id from fact_death where load_id = $load_id);
