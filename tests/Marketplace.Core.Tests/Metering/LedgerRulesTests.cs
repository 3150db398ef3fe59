using System.Text;
using Marketplace.Core.Metering;
using static Marketplace.Core.Tests.Metering.MeteringFixture;

namespace Marketplace.Core.Tests.Metering;

/// <summary>The pure rules the usage ledger applies around storage: sn claims, late candidates, the timers' settings.</summary>
public class LedgerRulesTests
{
    private static readonly UsageRecordIdentity Mine = new("inst-1", Utc(2026, 11, 22, 5), Utc(2026, 11, 22, 6));
    private static readonly UsageRecordIdentity Other = new("inst-1", Utc(2026, 11, 22, 4), Utc(2026, 11, 22, 5));
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(10);

    [Fact]
    public void A_claim_whose_record_carries_the_sn_is_a_duplicate()
    {
        Assert.Equal(SnClaimVerdict.Duplicate, SnClaims.Judge(Other, Now.AddDays(-1), Mine, "sn-1", "sn-1", Now, Window));
        Assert.Equal(SnClaimVerdict.Duplicate, SnClaims.Judge(Mine, Now.AddDays(-1), Mine, "sn-1", "sn-1", Now, Window));
    }

    [Fact]
    public void A_claim_for_the_same_record_without_its_row_is_adopted_and_the_record_key_decides()
    {
        Assert.Equal(SnClaimVerdict.Adopt, SnClaims.Judge(Mine, Now, Mine, null, "sn-1", Now, Window));
        Assert.Equal(SnClaimVerdict.Adopt, SnClaims.Judge(Mine, Now.AddDays(-1), Mine, "sn-2", "sn-1", Now, Window));
    }

    [Fact]
    public void A_fresh_claim_for_another_record_counts_while_a_push_may_still_be_writing_it()
    {
        Assert.Equal(SnClaimVerdict.Duplicate, SnClaims.Judge(Other, Now.AddSeconds(-9), Mine, null, "sn-1", Now, Window));
        Assert.Equal(SnClaimVerdict.TakeOver, SnClaims.Judge(Other, Now.AddSeconds(-11), Mine, null, "sn-1", Now, Window));
    }

    [Fact]
    public void A_claim_for_a_record_stored_under_another_sn_is_left_over_and_taken_over()
    {
        Assert.Equal(SnClaimVerdict.TakeOver, SnClaims.Judge(Other, Now, Mine, "sn-9", "sn-1", Now, Window));
    }

    [Fact]
    public void Records_arriving_before_their_periods_run_are_never_late_candidates()
    {
        var record = new UsageRecord("inst-1", Utc(2026, 11, 22, 5, 30), Utc(2026, 11, 22, 5, 40), Utc(2026, 11, 22, 5, 40), 1m, "sn-1");
        var sealedIt = new BillRunState(BillingGranularity.Hour, Utc(2026, 11, 22, 6), null, null, null, null, null);

        // The 05:00Z hour (13:00 in Shanghai) is sealed at 06:15Z.
        Assert.False(UsageIngest.IsLateCandidate(record, BillingGranularity.Hour, sealedIt, Utc(2026, 11, 22, 6, 14, 59), Options(), Shanghai));
        Assert.True(UsageIngest.IsLateCandidate(record, BillingGranularity.Hour, sealedIt, Utc(2026, 11, 22, 6, 15), Options(), Shanghai));
    }

    [Fact]
    public void After_the_run_time_a_record_is_a_late_candidate_only_once_its_period_is_sealed_or_a_run_is_under_way()
    {
        var record = new UsageRecord("inst-1", Utc(2026, 11, 22, 5, 30), Utc(2026, 11, 22, 5, 40), Utc(2026, 11, 22, 5, 40), 1m, "sn-1");
        var arrived = Utc(2026, 11, 22, 9);
        var behind = new BillRunState(BillingGranularity.Hour, Utc(2026, 11, 22, 5), null, null, null, null, null);

        Assert.False(UsageIngest.IsLateCandidate(record, BillingGranularity.Hour, null, arrived, Options(), Shanghai));
        Assert.False(UsageIngest.IsLateCandidate(record, BillingGranularity.Hour, behind, arrived, Options(), Shanghai));
        Assert.True(UsageIngest.IsLateCandidate(record, BillingGranularity.Hour, behind with { RunningSince = arrived }, arrived, Options(), Shanghai));
        Assert.True(UsageIngest.IsLateCandidate(record, BillingGranularity.Hour, behind with { SealedThrough = Utc(2026, 11, 22, 8) }, arrived, Options(), Shanghai));
    }

    [Fact]
    public void Daily_records_are_late_candidates_after_01_00_the_next_local_day()
    {
        // 2026-11-21 16:30Z is 00:30 on the 22nd in Shanghai: the day bill of the 22nd, sealed on the 23rd at 01:00 (22nd 17:00Z).
        var record = new UsageRecord("inst-1", Utc(2026, 11, 21, 16, 30), Utc(2026, 11, 21, 17), Utc(2026, 11, 21, 17), 1m, "sn-1");
        var sealedIt = new BillRunState(BillingGranularity.Day, Utc(2026, 11, 22, 16), null, null, null, null, null);

        Assert.False(UsageIngest.IsLateCandidate(record, BillingGranularity.Day, sealedIt, Utc(2026, 11, 22, 16, 59), Options(), Shanghai));
        Assert.True(UsageIngest.IsLateCandidate(record, BillingGranularity.Day, sealedIt, Utc(2026, 11, 22, 17), Options(), Shanghai));
    }

    [Fact]
    public void Schedules_default_to_the_run_minute_and_time_and_can_be_turned_off()
    {
        var o = Options();
        Assert.Equal("0 15 * * * *", o.EffectiveHourlySchedule);
        Assert.Equal("0 0 1 * * *", o.EffectiveDailySchedule);
        Assert.Equal("0 30 4 * * *", o.EffectiveRetentionSchedule);

        o.HourlySchedule = "*/5 * * * * *";
        o.DailySchedule = "off";
        o.RetentionSchedule = "OFF";
        Assert.Equal("*/5 * * * * *", o.EffectiveHourlySchedule);
        Assert.Null(o.EffectiveDailySchedule);
        Assert.Null(o.EffectiveRetentionSchedule);
        Assert.Empty(o.Validate());
    }

    [Fact]
    public void Retention_must_outlast_the_age_at_which_records_are_still_accepted()
    {
        Assert.Contains(new MeteringOptions { RetentionDays = 21 }.Validate(), e => e.Contains("RetentionDays", StringComparison.Ordinal));
        Assert.Empty(new MeteringOptions { RetentionDays = 23 }.Validate());
        Assert.Contains(new MeteringOptions { HourlySchedule = "0 15 * * *" }.Validate(), e => e.Contains("HourlySchedule", StringComparison.Ordinal));
        Assert.Contains(new MeteringOptions { IngestWindow = TimeSpan.Zero }.Validate(), e => e.Contains("IngestWindow", StringComparison.Ordinal));
    }

    [Fact]
    public void The_byte_signature_check_matches_the_documented_worked_example()
    {
        const string body = "{\"usage_records\":[{\"begin_time\":\"20220809T080000Z\",\"end_time\":\"20220809T090000Z\",\"instance_id\":\"7f141bf1-aec8-4859-8323-fb3a8ad50721\",\"metering_sn\":\"a1b2c3\",\"record_time\":\"20220809T091000Z\",\"usage_value\":\"99\"}]}";
        const string signature = "gaaqYBUbNDcHyj4cxMjihEyn2i2UXxp92Q2k9PjNdqU=";

        Assert.True(UsagePushSignature.Verify("test-access-key-0001", 1680508066618, "6c63c221-1f6b-4141-8ff4-22f5dfe82b65", Encoding.UTF8.GetBytes(body), signature));
        Assert.False(UsagePushSignature.Verify("test-access-key-0002", 1680508066618, "6c63c221-1f6b-4141-8ff4-22f5dfe82b65", Encoding.UTF8.GetBytes(body), signature));
        Assert.False(UsagePushSignature.Verify("test-access-key-0001", 1680508066619, "6c63c221-1f6b-4141-8ff4-22f5dfe82b65", Encoding.UTF8.GetBytes(body), signature));
        Assert.False(UsagePushSignature.Verify("test-access-key-0001", 1680508066618, "6c63c221-1f6b-4141-8ff4-22f5dfe82b65", Encoding.UTF8.GetBytes(body + " "), signature));
    }
}
