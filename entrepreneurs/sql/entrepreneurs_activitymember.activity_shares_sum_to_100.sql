-- entrepreneurs_check_activity_shares, deferred to the commit, so that a split can be changed row
-- by row inside one transaction.
CREATE CONSTRAINT TRIGGER activity_shares_sum_to_100
    AFTER INSERT OR UPDATE OR DELETE ON entrepreneurs_activitymember
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION entrepreneurs_check_activity_shares();
