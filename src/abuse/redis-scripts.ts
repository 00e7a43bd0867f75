// Lua scripts run atomically by Redis: no other command on any instance interleaves with one. Each
// counter is a string key (INCR) whose TTL is its window; a lock is a key of its own whose TTL is the
// lock. Times are Redis's own (TTLs), so instances with skewed clocks still agree.

/** KEYS: counter. ARGV: windowMs. Returns {count, ttl}. The TTL is set with the first count. */
export const incrementScript = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return {count, redis.call('PTTL', KEYS[1])}`;

/**
 * KEYS: counter1, lock1, counter2, lock2, … ARGV per slot: max, windowMs, firstLockMs (0: no backoff),
 * maxLockMs. Checks every slot first and takes them all or none. Returns {1, count1, count2, …} or
 * {0, retryInMs}.
 */
export const reserveScript = `
local slots = #KEYS / 2
local wait = 0
for i = 1, slots do
  local counter, lock = KEYS[2 * i - 1], KEYS[2 * i]
  local max, firstLockMs = tonumber(ARGV[4 * i - 3]), tonumber(ARGV[4 * i - 1])
  local lockTtl = redis.call('PTTL', lock)
  if lockTtl > 0 then
    wait = math.max(wait, lockTtl)
  elseif firstLockMs == 0 and tonumber(redis.call('GET', counter) or '0') >= max then
    wait = math.max(wait, redis.call('PTTL', counter), 1)
  end
end
if wait > 0 then return {0, wait} end
local result = {1}
for i = 1, slots do
  local counter, lock = KEYS[2 * i - 1], KEYS[2 * i]
  local max, firstLockMs = tonumber(ARGV[4 * i - 3]), tonumber(ARGV[4 * i - 1])
  local count = redis.call('INCR', counter)
  if count == 1 then redis.call('PEXPIRE', counter, ARGV[4 * i - 2]) end
  if firstLockMs > 0 and count >= max then
    local lockMs = math.min(firstLockMs * 2 ^ (count - max), tonumber(ARGV[4 * i]))
    redis.call('SET', lock, '1', 'PX', math.floor(lockMs))
  end
  result[i + 1] = count
end
return result`;

/** KEYS: counter. Decrements only a live, positive count: DECR alone would create a key with no TTL. */
export const refundScript = `
local count = tonumber(redis.call('GET', KEYS[1]) or '0')
if count > 0 then redis.call('DECR', KEYS[1]) end
return 0`;

/**
 * KEYS: the key's prefix. ARGV: max, windowMs, want. Leases up to `want` of the window's `max` slots,
 * the window being Redis's own clock divided by `windowMs`, so instances with skewed clocks agree.
 * Returns {granted, used, resetInMs}.
 */
export const leaseScript = `
local now = redis.call('TIME')
local nowMs = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
local windowMs = tonumber(ARGV[2])
local window = math.floor(nowMs / windowMs)
local counter = KEYS[1] .. ':' .. window
local used = tonumber(redis.call('GET', counter) or '0')
local granted = math.max(0, math.min(tonumber(ARGV[3]), tonumber(ARGV[1]) - used))
if granted > 0 then
  used = redis.call('INCRBY', counter, granted)
  if used == granted then redis.call('PEXPIRE', counter, windowMs * 2) end
end
return {granted, used, (window + 1) * windowMs - nowMs}`;
