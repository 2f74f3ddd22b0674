-- cause_groups: the ICD-10 ranges that define cause groups and palliative need.
-- params:  none
-- returns: cause_group, condition, code_first, code_last; ordered by group and code
-- reads:   ref_cause_group
select cause_group, condition, code_first, code_last
from ref_cause_group
order by cause_group, code_first
