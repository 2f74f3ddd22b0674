-- check_population_gp: compare the published totals of a registered-patients file (view
-- src_rows, every ORG_TYPE) with its practices' rows, as the load notes report them.
-- params:  $practice_type (text: the ORG_TYPE of practices, GP), $extract_layout (text: the
--          practice mapping layout whose rows of the same extract date place practices)
-- returns: org_type, orgs (organisations of that type), total (their ALL/ALL rows summed),
--          practices_total (the practices' male and female rows summed), unequal_orgs
--          (organisations whose ALL/ALL row is not the sum of their male and female age
--          rows), mapped_orgs and unequal_mapped (of the ICB, sub-ICB and region rows: how
--          many a practice mapping of the same extract date names, and how many of those
--          differ from the sum of their practices by it; null when no such mapping)
-- reads:   src_rows, geo_practice_map
with rows as (
    select
        upper(type) as org_type,
        upper(code) as org_code,
        ons_code,
        sex,
        age_group_5,
        number_of_patients as patients,
        cast(coalesce(
            try_strptime(extract_date, '%d%b%Y'),
            try_strptime(extract_date, '%Y-%m-%d'),
            try_strptime(extract_date, '%d/%m/%Y'),
            try_strptime(extract_date, '%d-%b-%Y')
        ) as date) as extracted
    from src_rows
),
per_org as (
    select
        org_type,
        org_code,
        any_value(ons_code) as ons_code,
        any_value(extracted) as extracted,
        sum(patients) filter (where sex = 'ALL' and age_group_5 = 'ALL') as total,
        sum(patients) filter (where sex in ('MALE', 'FEMALE') and age_group_5 <> 'ALL') as banded
    from rows
    group by org_type, org_code
),
practices as (
    select org_code as practice_code, banded, extracted
    from per_org
    where org_type = upper($practice_type)
),
mapping as (
    select m.practice_code, m.sub_icb_code, m.icb_code, m.region_code, p.banded
    from geo_practice_map as m
    join practices as p on p.practice_code = m.practice_code and p.extracted = m.valid_from
    where m.source_layout = $extract_layout
),
by_map as (
    select sub_icb_code as ons_code, sum(banded) as banded from mapping group by 1
    union all
    select icb_code, sum(banded) from mapping group by 1
    union all
    select region_code, sum(banded) from mapping group by 1
),
mapped as (
    select o.org_type, count(*) as mapped_orgs,
        count(*) filter (where o.total is distinct from b.banded) as unequal_mapped
    from per_org as o
    join by_map as b on b.ons_code = o.ons_code
    group by o.org_type
),
final as (
    select
        o.org_type,
        count(*) as orgs,
        sum(o.total) as total,
        (select sum(banded) from practices) as practices_total,
        count(*) filter (where o.total is distinct from o.banded) as unequal_orgs,
        any_value(m.mapped_orgs) as mapped_orgs,
        any_value(m.unequal_mapped) as unequal_mapped
    from per_org as o
    left join mapped as m using (org_type)
    group by o.org_type
)
select * from final
order by orgs
