-- A receipt said MessageRateExceeded: pushes to this device wait until then.
alter table push_tokens add column throttled_until timestamptz;
