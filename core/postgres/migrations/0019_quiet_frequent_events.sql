-- NOTIFY makes PostgreSQL serialise the commits of the transactions that send
-- it (they queue on the notification queue's lock): at thousands of supports,
-- answers or ballots per second that lock became the bottleneck (about 1,900
-- supports/s accepted at 3,000/s offered with it, 2,700/s without, measured the
-- same hour). The frequent kinds of change, which no channel publishes, no
-- longer wake the dispatchers; its periodic poll still reads them.
DROP TRIGGER event_notify ON event;
CREATE TRIGGER event_notify AFTER INSERT ON event FOR EACH ROW
    WHEN (NEW.entity NOT IN ('support', 'response', 'ballot', 'meeting_registration', 'council_volunteer'))
    EXECUTE FUNCTION event_notify();
